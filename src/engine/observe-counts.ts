/**
 * Counts for canary-vs-control comparisons (contract §4): each count query per cohort, summed
 * since the phase was entered. A provider that answers counts itself (`counts`: Prometheus'
 * `increase()`, Datadog's `.as_count()`) is asked for the total; otherwise its series is a count per
 * interval (the file provider) and is summed. Missing data stays missing: never a zero.
 */
import { comparedMetrics } from '../gates/comparisons.js';
import type { CohortCount, CountObservations } from '../gates/comparison-types.js';
import type { Plan } from '../plan/schema.js';
import type { MetricsProvider } from '../providers/types.js';
import { redact } from '../redact.js';
import { stripControls } from '../sanitize.js';
import type { Services } from './services.js';
import { observeHistogram } from './observe-buckets.js';
import { renderTemplate, templateValues } from './template.js';

type Cohort = 'canary' | 'control';

type CountingProvider = MetricsProvider;

async function total(
  provider: CountingProvider,
  args: { metric: string; template: string; plan: Plan; cohort: Cohort; from: number; to: number },
  problems: string[],
  times?: Map<string, Float64Array>,
): Promise<CohortCount> {
  const values = templateValues(args.plan, { cohort: args.cohort, window: '' });
  let query = args.template;
  try {
    query = renderTemplate(args.template, values);
    if (provider.count) return await provider.count({ query, cohort: args.cohort, from: args.from, to: args.to });
    const s = await provider.query({
      metric: args.metric,
      query,
      template: args.template,
      values,
      cohort: args.cohort,
      from: args.from,
      to: args.to,
    });
    if (s.note) {
      problems.push(`${query} (${args.cohort}): ${s.note}`);
      return undefined;
    }
    if (s.invalid > 0) {
      problems.push(`${query} (${args.cohort}): ${s.invalid} invalid value(s)`);
      return Number.NaN;
    }
    const points = s.points;
    if (points.length === 0) return undefined;
    // one indexed pass (thousands of rows, run once, by the interpreter: for-of and a closure per
    // row cost a start-up a millisecond or more)
    const at = new Float64Array(points.length);
    let sum = 0;
    let negative = false;
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      at[i] = p.t;
      sum += p.v;
      if (p.v < 0) negative = true;
    }
    times?.set(`${query} (${args.cohort})`, at);
    // a negative count makes the sum invalid for the engine
    if (negative) {
      problems.push(`${query} (${args.cohort}): negative count`);
      return -1;
    }
    return sum;
  } catch (e) {
    problems.push(`${query} (${args.cohort}): ${stripControls(redact((e as Error).message))}`);
    return undefined;
  }
}

function sameTimes(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function observeCounts(args: {
  plan: Plan;
  services: Services;
  enteredAt: number;
  now: number;
}): Promise<CountObservations> {
  // A count row at time t counts the interval that ends at t: the one at the entry itself belongs to the phase before.
  const { plan, services, now: to } = args;
  const from = args.enteredAt + 1;
  const names = Object.keys(plan.providers.metrics);
  const providerFor = (name: string | undefined) =>
    services.providers.metrics(name ?? names[0]!) as Promise<CountingProvider>;
  const out: CountObservations = { metrics: {}, elapsedHours: Math.max(0, (to - args.enteredAt) / 3_600_000) };
  await Promise.all(
    comparedMetrics(plan).map(async (m) => {
      const problems: string[] = [];
      let provider: CountingProvider;
      try {
        provider = await providerFor(m.provider);
      } catch (e) {
        problems.push(stripControls(redact((e as Error).message)));
        out.metrics[m.name] = {
          canary: { events: undefined, total: undefined },
          control: { events: undefined, total: undefined },
          problems,
        };
        return;
      }
      if (m.kind === 'histogram') {
        const providerName = m.provider ?? names[0]!;
        out.metrics[m.name] = await observeHistogram({ provider, providerName, metric: m, plan, from, to });
        return;
      }
      const times = new Map<string, Float64Array>();
      const one = (template: string | undefined, cohort: Cohort) =>
        template === undefined
          ? Promise.resolve(undefined)
          : total(provider, { metric: m.name, template, plan, cohort, from, to }, problems, times);
      const [ce, ct, ke, kt] = await Promise.all([
        one(m.numerator, 'canary'),
        one(m.denominator, 'canary'),
        one(m.numerator, 'control'),
        one(m.denominator, 'control'),
      ]);
      // Counts per interval must cover the same intervals in both series of both cohorts: a missing
      // row would bias the sum (fewer events against the same units), so partial data is no data.
      const [first, ...others] = [...times.values()];
      if (others.some((t) => !sameTimes(t, first!))) {
        problems.push(`partial counts: ${[...times.keys()].join(', ')} do not cover the same intervals`);
        out.metrics[m.name] = {
          canary: { events: undefined, total: undefined },
          control: { events: undefined, total: undefined },
          problems,
        };
        return;
      }
      out.metrics[m.name] = { canary: { events: ce, total: ct }, control: { events: ke, total: kt }, problems };
    }),
  );
  const exposure = plan.analysis?.exposure;
  if (exposure !== undefined) {
    const problems: string[] = [];
    try {
      const provider = await providerFor(undefined);
      const [canary, control] = await Promise.all(
        (['canary', 'control'] as const).map((cohort) =>
          total(provider, { metric: 'exposure', template: exposure, plan, cohort, from, to }, problems),
        ),
      );
      out.exposure = { canary, control, problems };
    } catch (e) {
      out.exposure = { canary: undefined, control: undefined, problems: [stripControls(redact((e as Error).message))] };
    }
  }
  return out;
}
