/**
 * Named rules about metrics: well-formed bounds and comparisons, sensible windows, comparisons that
 * could never pass. Each returns its problems; none throws (see rules.ts).
 */
import { parseDuration } from './duration.js';
import type { Rule, RuleProblem } from './rules.js';
import type { Plan } from './schema.js';

/** The metrics adapters that answer histogram buckets (`MetricsProvider.buckets`). */
const BUCKET_PROVIDERS = ['prometheus', 'file'];

/** The metric's provider (named, else the first) when its adapter type is known and has no bucket answer. */
function providerWithoutBuckets(plan: Plan, named: string | undefined): { name: string; type: string } | undefined {
  const providers = plan.providers?.metrics ?? {};
  const name = named ?? Object.keys(providers)[0];
  const type = name === undefined ? undefined : providers[name]?.type;
  return typeof type === 'string' && !BUCKET_PROVIDERS.includes(type) ? { name: name as string, type } : undefined;
}

export const metricsAreWellFormed: Rule = (plan) => {
  const out: RuleProblem[] = [];
  (plan.metrics ?? []).forEach((m, i) => {
    if (m.kind === 'value' && !m.query)
      out.push({
        path: ['metrics', i],
        message: `metric "${m.name}" has no query`,
        hint: 'add `query:` (the series name for the file provider)',
        onKey: false,
      });
    if (m.kind === 'ratio' && (!m.numerator || !m.denominator))
      out.push({ path: ['metrics', i], message: `ratio metric "${m.name}" needs numerator and denominator queries` });
    if (m.kind === 'histogram' && !m.query)
      out.push({
        path: ['metrics', i],
        message: `histogram metric "${m.name}" needs a query`,
        hint: 'add `query:` returning cumulative bucket counts by `le` (the file provider: series NAME{le="0.5"})',
      });
    if (m.kind === 'histogram' && m.threshold === undefined)
      out.push({
        path: ['metrics', i],
        message: `histogram metric "${m.name}" needs a threshold: the latency whose slower share is judged`,
        hint: 'add `threshold: 0.5` (in the histogram\'s unit, a bucket boundary `le`) and `slo: { below: 0.05 }` for "p95 < 0.5"',
      });
    const bucketless = m.kind === 'histogram' ? providerWithoutBuckets(plan, m.provider) : undefined;
    if (bucketless)
      out.push({
        path: ['metrics', i, m.provider ? 'provider' : 'kind'],
        message: `histogram metric "${m.name}" needs bucket counts, which the ${bucketless.type} metrics provider "${bucketless.name}" cannot answer`,
        hint: `read the buckets from a ${BUCKET_PROVIDERS.join(' or ')} metrics provider, or judge latency as a ratio (slow requests / requests)`,
      });
    if (m.kind !== 'histogram' && m.threshold !== undefined)
      out.push({
        path: ['metrics', i, 'threshold'],
        message: `\`threshold\` belongs to histogram metrics, but "${m.name}" is kind ${m.kind}`,
        hint: 'remove `threshold:` or write `kind: histogram`',
      });
    const { slo, severe } = m;
    if (slo?.below !== undefined && slo.above !== undefined && slo.above >= slo.below) {
      out.push({
        path: ['metrics', i, 'slo'],
        message: `no value can be above ${slo.above} and below ${slo.below}`,
        hint: '`above` must be smaller than `below`',
      });
    }
    if (severe && !slo)
      out.push({
        path: ['metrics', i, 'severe'],
        message: '`severe` needs an `slo`',
        hint: 'severe is a second, wider bound past the SLO',
      });
    if (severe?.below !== undefined && slo?.below !== undefined && severe.below < slo.below) {
      out.push({
        path: ['metrics', i, 'severe', 'below'],
        message: `severe.below (${severe.below}) is inside the SLO (below ${slo.below})`,
        hint: 'the severe bound lies past the SLO',
      });
    }
    if (severe?.above !== undefined && slo?.above !== undefined && severe.above > slo.above) {
      out.push({
        path: ['metrics', i, 'severe', 'above'],
        message: `severe.above (${severe.above}) is inside the SLO (above ${slo.above})`,
        hint: 'the severe bound lies past the SLO',
      });
    }
  });
  return out;
};

export const windowsAreSensible: Rule = (plan) => {
  const out: RuleProblem[] = [];
  const check = (a: Plan['advance'] | undefined, base: (string | number)[]) => {
    if (a?.sloWindow !== undefined && (parseDuration(a.sloWindow) ?? 0) <= 0)
      out.push({ path: [...base, 'sloWindow'], message: 'sloWindow must be longer than zero' });
  };
  check(plan.advance, ['advance']);
  plan.phases.forEach((p, i) => {
    check(p.advance, ['phases', i, 'advance']);
  });
  return out;
};

/**
 * Canary-vs-control comparisons (contract §4) are judged on counts: a `compare` needs a `ratio`
 * metric and a `passMargin` (the harm below which it may pass; without one it could never pass).
 * A histogram's slow share is a share too: its SLO lies between 0 and 1, and lower is better.
 */
export const comparisonsCannotPassYet: Rule = (plan) =>
  (plan.metrics ?? []).flatMap((m, i): RuleProblem[] => {
    const out: RuleProblem[] = [];
    if (m.compare !== undefined && m.compare.passMargin === undefined)
      out.push({
        path: ['metrics', i, 'compare'],
        message: `comparison "${m.name}" has no passMargin: a comparison passes only when the harm's upper bound is below it, so without one it could never pass`,
        hint: 'add `passMargin:` (absolute such as 0.002, or relative such as "5%")',
      });
    if (m.compare !== undefined && m.kind === 'value')
      out.push({
        path: ['metrics', i, 'compare'],
        message: `comparison "${m.name}" needs counts, but the metric is a series of values (kind: value)`,
        hint: 'write `kind: ratio` with `numerator:` and `denominator:` count queries',
      });
    if ((m.kind === 'ratio' || m.kind === 'histogram') && m.slo !== undefined) {
      const bad = [m.slo.below, m.slo.above].find((b) => b !== undefined && !(b > 0 && b < 1));
      const what = m.kind === 'ratio' ? 'a ratio' : 'the share slower than the threshold';
      if (bad !== undefined)
        out.push({
          path: ['metrics', i, 'slo'],
          message: `the SLO of ${m.kind} metric "${m.name}" is ${bad}, but ${what} is a share between 0 and 1`,
          hint:
            m.kind === 'ratio'
              ? 'write the limit as a share, e.g. 0.005 for 0.5 %'
              : 'write e.g. `slo: { below: 0.05 }`: fewer than 5 % slower than the threshold',
        });
    }
    if (m.kind === 'histogram' && m.slo?.above !== undefined)
      out.push({
        path: ['metrics', i, 'slo', 'above'],
        message: `the SLO of histogram metric "${m.name}" bounds the share slower than the threshold from below, which rewards slow requests`,
        hint: 'write `slo: { below: 0.05 }`',
      });
    if (m.kind === 'histogram' && m.compare !== undefined && m.compare.better !== 'lower')
      out.push({
        path: ['metrics', i, 'compare', 'better'],
        message: `histogram metric "${m.name}" compares the share slower than the threshold, where lower is better`,
        hint: 'write `better: lower`',
      });
    return out;
  });
