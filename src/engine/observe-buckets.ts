/**
 * Histogram counts for the gate (contract §4, statistics.md §4): each cohort's bucket increases since
 * the phase was entered, and the share slower than the metric's threshold counted from them (the
 * engine judges the buckets themselves; the counts size τ and the samples). Missing stays missing:
 * a provider without buckets, an error or an empty answer is no data, never zeros.
 */
import type { HistogramBuckets, RatioCounts } from '../gates/comparison-types.js';
import type { MetricSpec, Plan } from '../plan/schema.js';
import type { MetricsProvider } from '../providers/types.js';
import { redact } from '../redact.js';
import { stripControls } from '../sanitize.js';
import { exceedance, validateBuckets } from '../stats/histogram.js';
import { isDataIssue, parseLe } from '../stats/types.js';
import { renderTemplate, templateValues } from './template.js';

type Cohort = 'canary' | 'control';

async function cohortBuckets(args: {
  provider: MetricsProvider;
  providerName: string;
  metric: MetricSpec;
  plan: Plan;
  cohort: Cohort;
  from: number;
  to: number;
  problems: string[];
}): Promise<HistogramBuckets> {
  const { provider, metric, cohort, problems } = args;
  const template = metric.query ?? metric.name;
  let query = template;
  try {
    query = renderTemplate(template, templateValues(args.plan, { cohort, window: '' }));
    if (!provider.buckets) {
      problems.push(`the metrics provider "${args.providerName}" cannot answer histogram buckets`);
      return undefined;
    }
    const answer = await provider.buckets({ query, cohort, from: args.from, to: args.to });
    if (answer === undefined) return undefined;
    return answer.map((b) => ({ le: parseLe(b.le) ?? Number.NaN, count: b.count }));
  } catch (e) {
    problems.push(`${query} (${cohort}): ${stripControls(redact((e as Error).message))}`);
    return undefined;
  }
}

/** The slow share's counts from valid buckets, else undefined (the engine says why from the buckets). */
function slowCounts(buckets: HistogramBuckets, threshold: number | undefined): RatioCounts['canary'] {
  const valid = validateBuckets(buckets);
  if (isDataIssue(valid) || threshold === undefined) return { events: undefined, total: undefined };
  const e = exceedance(valid, threshold);
  return isDataIssue(e) ? { events: undefined, total: undefined } : { events: e.slow, total: e.total };
}

export async function observeHistogram(args: {
  provider: MetricsProvider;
  providerName: string;
  metric: MetricSpec;
  plan: Plan;
  from: number;
  to: number;
}): Promise<RatioCounts> {
  const problems: string[] = [];
  const [canary, control] = await Promise.all(
    (['canary', 'control'] as const).map((cohort) => cohortBuckets({ ...args, cohort, problems })),
  );
  return {
    canary: slowCounts(canary, args.metric.threshold),
    control: slowCounts(control, args.metric.threshold),
    buckets: { canary, control },
    problems,
  };
}
