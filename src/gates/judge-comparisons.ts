/**
 * The comparison criteria of one check of a phase (statistics.md §8 mapped onto the contract):
 * a proven harm fails at the metric's onBreach level; an unproven one holds with what it needs;
 * a sample-ratio mismatch holds; missing, negative or invalid counts hold; a comparison passes
 * only when the harm's upper bound is below its pass margin. A FAIL stays a FAIL for the phase
 * (the memory is persisted in the phase record). Pure.
 */
import type { Phase, Plan } from '../plan/schema.js';
import { parseDuration } from '../plan/duration.js';
import type { PhaseStatsMemory } from './comparison-types.js';
import { buildGateInput, comparedMetrics, comparisonCriteria, type JudgeGate } from './comparisons.js';
import type { Criterion, Observations } from './types.js';

export function judgeComparisons(args: {
  plan: Plan;
  phase: Phase;
  observations: Observations;
  judge: JudgeGate | undefined;
  prior: PhaseStatsMemory | undefined;
}): { criteria: Criterion[]; memory: PhaseStatsMemory | undefined } {
  const { plan, phase } = args;
  const metrics = comparedMetrics(plan);
  if (metrics.length === 0) return { criteria: [], memory: undefined };
  // Without both cohorts there is nothing to compare: a phase at 0 % judges the baseline, one at
  // 100 % has no control left. Its value metrics still gate.
  if (!(phase.traffic > 0 && phase.traffic < 100)) return { criteria: [], memory: args.prior };
  const counts = args.observations.counts;
  if (!args.judge || !counts)
    return {
      criteria: metrics.map((m) => ({
        name: m.name,
        kind: 'metric',
        verdict: 'hold',
        detail: 'the counts for this comparison were not observed; the comparison cannot pass',
      })),
      memory: args.prior,
    };
  const { input, toFix } = buildGateInput({
    plan,
    traffic: phase.traffic,
    minDurationMs: phase.minDuration ? (parseDuration(phase.minDuration) ?? 0) : 0,
    counts,
    prior: args.prior,
  });
  const result = args.judge(input);
  const tau2 = { ...(args.prior?.tau2 ?? {}) };
  for (const c of result.comparisons)
    if (toFix.includes(c.name) && c.tau2 !== null && Number.isFinite(c.tau2) && c.tau2 > 0) tau2[c.name] = c.tau2;
  const problems = [
    ...Object.entries(counts.metrics).flatMap(([name, c]) => c.problems.map((p) => `${name}: ${p}`)),
    ...(counts.exposure?.problems.map((p) => `exposure: ${p}`) ?? []),
  ];
  const criteria = comparisonCriteria(plan, result).map((c) =>
    problems.length > 0 && c.verdict === 'pass'
      ? { ...c, verdict: 'hold' as const, detail: `${c.detail}; untrusted counts: ${problems.join('; ')}` }
      : c,
  );
  return { criteria, memory: { memory: result.memory, tau2 } };
}
