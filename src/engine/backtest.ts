/**
 * `rollout backtest` (contract §4): replays a phase's metric history through its gate at every
 * step, as if the phase had been entered at `from` and `rollout check` had run at each step. The
 * comparisons carry their memory from step to step (a FAIL stays a FAIL, τ² fixed at the first
 * look), exactly as advance persists it. Judged: the metrics, the comparisons and the soak time;
 * the checklist, approvals and incidents are people's answers, not history, and are left out.
 * Changes nothing: no state, no flag, no journal.
 */
import { assessGate } from '../gates/assess.js';
import { hasComparisons, type JudgeGate } from '../gates/comparisons.js';
import type { PhaseStatsMemory } from '../gates/comparison-types.js';
import type { Criterion, Verdict } from '../gates/types.js';
import type { Plan } from '../plan/schema.js';
import type { PhaseRecord } from '../state/types.js';
import { observe } from './observe.js';
import type { Services } from './services.js';

const HISTORICAL: ReadonlySet<Criterion['kind']> = new Set(['metric', 'minDuration']);

export interface BacktestCheck {
  at: string;
  decision: Verdict;
  /** the criteria that held or failed at this step, with their one-line details */
  criteria: { name: string; verdict: Verdict; detail: string }[];
}

export interface BacktestResult {
  plan: string;
  phase: string;
  from: string;
  to: string;
  everyMs: number;
  checks: BacktestCheck[];
  firstFailureAt: string | null;
  firstPassAt: string | null;
  counts: { pass: number; hold: number; fail: number };
  /** what the replay leaves out, in words */
  note: string;
}

export function backtestSteps(from: number, to: number, everyMs: number): number[] {
  const out: number[] = [];
  for (let t = from + everyMs; t <= to; t += everyMs) out.push(t);
  return out;
}

export async function backtest(args: {
  plan: Plan;
  phaseIndex: number;
  services: Services;
  from: number;
  to: number;
  everyMs: number;
  onStep?: (done: number, total: number) => void;
}): Promise<BacktestResult> {
  const { plan, services, from, to, everyMs } = args;
  const phase = plan.phases[args.phaseIndex]!;
  const record: PhaseRecord = {
    name: phase.name,
    enteredAt: new Date(from).toISOString(),
    visits: 1,
    checklist: {},
    approvals: [],
  };
  let judge: JudgeGate | undefined;
  let observeCounts: typeof import('./observe-counts.js').observeCounts | undefined;
  if (hasComparisons(plan)) {
    judge = (await import('../stats/judge-gate.js')).judgeGate;
    observeCounts = (await import('./observe-counts.js')).observeCounts;
  }
  const steps = backtestSteps(from, to, everyMs);
  const checks: BacktestCheck[] = [];
  let stats: PhaseStatsMemory | undefined;
  let firstFailureAt: string | null = null;
  let firstPassAt: string | null = null;
  for (const [i, now] of steps.entries()) {
    const observations = await observe({ plan, phaseIndex: args.phaseIndex, services, now, enteredAt: from });
    if (observeCounts) observations.counts = await observeCounts({ plan, services, enteredAt: from, now });
    const gate = assessGate({ plan, phaseIndex: args.phaseIndex, record, observations, now, judge, stats });
    stats = gate.statsMemory ?? stats;
    const judged = gate.criteria.filter((c) => HISTORICAL.has(c.kind));
    const decision: Verdict = judged.some((c) => c.verdict === 'fail')
      ? 'fail'
      : judged.length > 0 && judged.every((c) => c.verdict === 'pass')
        ? 'pass'
        : 'hold';
    const at = new Date(now).toISOString();
    if (decision === 'fail' && firstFailureAt === null) firstFailureAt = at;
    if (decision === 'pass' && firstPassAt === null) firstPassAt = at;
    checks.push({
      at,
      decision,
      criteria: judged
        .filter((c) => c.verdict !== 'pass')
        .map((c) => ({ name: c.name, verdict: c.verdict, detail: c.detail })),
    });
    args.onStep?.(i + 1, steps.length);
  }
  const counts = { pass: 0, hold: 0, fail: 0 };
  for (const c of checks) counts[c.decision]++;
  return {
    plan: plan.name,
    phase: phase.name,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    everyMs,
    checks,
    firstFailureAt,
    firstPassAt,
    counts,
    note: 'judged: metrics, comparisons and the soak time; the checklist, approvals and incidents are not history and are left out',
  };
}
