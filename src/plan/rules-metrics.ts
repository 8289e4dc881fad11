/**
 * Named rules about metrics: well-formed bounds and comparisons, sensible windows, comparisons that
 * could never pass. Each returns its problems; none throws (see rules.ts).
 */
import { parseDuration } from './duration.js';
import type { Rule, RuleProblem } from './rules.js';
import type { Plan } from './schema.js';

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
      out.push({ path: ['metrics', i], message: `histogram metric "${m.name}" needs a query` });
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
 * Histogram comparisons are not judged by this build yet: say so instead of holding for ever.
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
    if (m.kind === 'ratio' && m.slo !== undefined) {
      const bad = [m.slo.below, m.slo.above].find((b) => b !== undefined && !(b > 0 && b < 1));
      if (bad !== undefined)
        out.push({
          path: ['metrics', i, 'slo'],
          message: `the SLO of ratio metric "${m.name}" is ${bad}, but a ratio is a share between 0 and 1`,
          hint: 'write the limit as a share, e.g. 0.005 for 0.5 %',
        });
    }
    if (m.kind === 'histogram')
      out.push({
        path: ['metrics', i, 'kind'],
        severity: 'warning',
        message: `metric "${m.name}" is a histogram, which this version of rollout cannot judge yet: the metric cannot pass, so every gate it is part of holds`,
        hint: 'judge latency as a ratio (slow requests / requests) or as a value series with an slo',
      });
    return out;
  });
