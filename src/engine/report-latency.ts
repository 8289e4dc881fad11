/**
 * The per-interval latency series of a phase for the comparative analysis's Mann-Whitney test
 * (statistics.md §4: informational, a single planned look, never a gate): each latency metric's
 * canary and control values from the phase's entry to its end, unthinned. A latency metric is a
 * `value` metric in a time unit (ms, s, …) or named for latency, duration or response time. Asked
 * only for a phase with both cohorts whose documents include the comparative analysis; a provider
 * that cannot answer leaves the metric out (the section says what it has), never stops a report.
 */
import { phaseCriteria } from '../gates/criteria.js';
import type { Plan } from '../plan/schema.js';
import type { LatencySeries } from '../reports/comparison-section.js';
import type { RolloutState } from '../state/types.js';
import type { Services } from './services.js';
import { cohortSeries } from './report-series.js';

const TIME_UNIT = /^(ns|µs|us|ms|s|sec|seconds?|milliseconds?)$/i;
const LATENCY_NAME = /latency|duration|response[_ -]?time/i;

export function isLatencyMetric(m: Plan['metrics'][number]): boolean {
  return m.kind === 'value' && (TIME_UNIT.test(m.unit ?? '') || LATENCY_NAME.test(m.name));
}

export async function phaseLatency(args: {
  plan: Plan;
  state: RolloutState;
  services: Services;
  phase: string;
  now: number;
}): Promise<LatencySeries[] | undefined> {
  const { plan, services } = args;
  const phase = plan.phases.find((p) => p.name === args.phase);
  const rec = args.state.phases[args.phase];
  if (!phase || !rec || !(phase.traffic > 0 && phase.traffic < 100)) return undefined;
  if (!phase.documents.includes('comparative-analysis')) return undefined;
  const from = Date.parse(rec.enteredAt);
  const to = rec.leftAt ? Date.parse(rec.leftAt) : args.now;
  const c = phaseCriteria(plan, phase);
  const providers = Object.keys(plan.providers.metrics);
  const found = await Promise.all(
    plan.metrics.filter(isLatencyMetric).map(async (m): Promise<LatencySeries | undefined> => {
      try {
        const provider = await services.providers.metrics(m.provider ?? providers[0]!);
        const ask = async (cohort: 'canary' | 'control') => {
          const s = await cohortSeries({ plan, provider, metric: m, cohort, window: c.sloWindow, from, to });
          // a whole-service stand-in is not a cohort: no comparison on it
          if (s.note) return [];
          return s.points.filter((p) => p.t > from && p.t <= to && Number.isFinite(p.v)).map((p) => p.v);
        };
        const [canary, control] = await Promise.all([ask('canary'), ask('control')]);
        return { name: m.name, canary, control };
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((l): l is LatencySeries => l !== undefined);
}
