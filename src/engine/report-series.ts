/**
 * The series the HTML charts draw: each gating metric's canary and control over a phase, asked of the
 * metrics providers when the report is written. A provider that cannot answer leaves the chart saying
 * why; it never stops a report. Values that are not finite numbers are dropped; long series are thinned
 * to at most MAX_POINTS per cohort, keeping each bucket's extreme so a breach is never thinned away.
 */
import { gatingMetrics, judgedWindow } from '../gates/criteria.js';
import { parseDuration } from '../plan/duration.js';
import type { MetricSpec, Plan } from '../plan/schema.js';
import type { MetricsProvider, Point, Series } from '../providers/types.js';
import { redact } from '../redact.js';
import type { MetricSeries } from '../reports/chart.js';
import { stripControls } from '../sanitize.js';
import type { RolloutState } from '../state/types.js';
import type { Services } from './services.js';
import { renderTemplate, templateValues } from './template.js';
import { phaseCriteria } from '../gates/criteria.js';

const MAX_POINTS = 360;

/** One cohort's series of a value metric over [from, to], asked as the gate asks it (for the reports). */
export function cohortSeries(args: {
  plan: Plan;
  provider: MetricsProvider;
  metric: MetricSpec;
  cohort: 'canary' | 'control';
  window: string;
  from: number;
  to: number;
}): Promise<Series> {
  const { plan, metric: m, cohort, from, to } = args;
  const template = m.query ?? m.name;
  const intervalMs = m.interval ? parseDuration(m.interval) : undefined;
  const values = templateValues(plan, { cohort, window: args.window });
  const query = renderTemplate(template, values);
  return args.provider.query({ metric: m.name, query, template, values, cohort, from, to, intervalMs });
}

export async function phaseSeries(args: {
  plan: Plan;
  state: RolloutState;
  services: Services;
  phase: string;
  now: number;
}): Promise<Record<string, MetricSeries> | undefined> {
  const { plan, services } = args;
  const phase = plan.phases.find((p) => p.name === args.phase);
  const rec = args.state.phases[args.phase];
  if (!phase || !rec) return undefined;
  const entered = Date.parse(rec.enteredAt);
  const to = rec.leftAt ? Date.parse(rec.leftAt) : args.now;
  const from = Math.min(entered, judgedWindow({ plan, phase, enteredAt: entered, now: to }).from);
  const c = phaseCriteria(plan, phase);
  const out: Record<string, MetricSeries> = {};
  const providers = Object.keys(plan.providers.metrics);
  await Promise.all(
    gatingMetrics(plan).map(async (m) => {
      if (m.kind !== 'value') {
        out[m.name] = { error: `${m.kind} metric` };
        return;
      }
      try {
        const provider = await services.providers.metrics(m.provider ?? providers[0]!);
        const ask = async (cohort: 'canary' | 'control') => {
          const s = await cohortSeries({ plan, provider, metric: m, cohort, window: c.sloWindow, from, to });
          return thin(s.points.filter((p) => Number.isFinite(p.v) && p.t >= from && p.t <= to));
        };
        const [canary, control] = await Promise.allSettled([ask('canary'), ask('control')]);
        const why = [canary, control]
          .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
          .map((r) => stripControls(redact(String((r.reason as Error)?.message ?? r.reason))));
        out[m.name] = {
          canary: canary.status === 'fulfilled' ? canary.value : undefined,
          control: control.status === 'fulfilled' ? control.value : undefined,
          error: why[0],
        };
      } catch (e) {
        out[m.name] = { error: stripControls(redact((e as Error).message)) };
      }
    }),
  );
  return out;
}

/** At most MAX_POINTS: buckets of consecutive points, each keeping its lowest and highest value. */
export function thin(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  if (sorted.length <= MAX_POINTS) return sorted;
  const size = Math.ceil(sorted.length / (MAX_POINTS / 2));
  const out: Point[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const bucket = sorted.slice(i, i + size);
    let lo = bucket[0]!;
    let hi = bucket[0]!;
    for (const p of bucket) {
      if (p.v < lo.v) lo = p;
      if (p.v > hi.v) hi = p;
    }
    out.push(...(lo.t <= hi.t ? [lo, hi] : [hi, lo]).filter((p, j, a) => j === 0 || p !== a[0]));
  }
  return out;
}
