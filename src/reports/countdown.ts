/**
 * The countdown to eligibility, in words: `eligible in 3h 12m (soak)`, `eligible now`, or what a
 * held gate waits for when time is not it (`held: waiting for approvals, checklist`). Pure: the
 * clock is an argument.
 */
import type { Criterion, GateResult } from '../gates/types.js';
import { formatDuration } from '../plan/duration.js';

/** How a holding criterion reads in a countdown: the soak time is `soak`, a metric's window `NAME window`. */
function label(c: Criterion): string {
  if (c.kind === 'minDuration') return 'soak';
  if (c.kind === 'metric' && c.eligibleAt) return `${c.name} window`;
  return c.name;
}

export interface Countdown {
  /** ms until the time-based criteria allow leaving the phase (0 when they already do) */
  remainingMs: number;
  /** what holds the gate */
  waitingFor: string[];
  text: string;
}

export function countdown(gate: GateResult, now: number): Countdown {
  const holding = gate.criteria.filter((c) => c.verdict === 'hold');
  const eligibleAt = gate.eligibleAt ? Date.parse(gate.eligibleAt) : Number.NaN;
  const remainingMs = Number.isFinite(eligibleAt) ? Math.max(0, eligibleAt - now) : 0;
  if (gate.verdict === 'fail') {
    const failed = gate.criteria.filter((c) => c.verdict === 'fail').map(label);
    return { remainingMs, waitingFor: [], text: `gate failed: ${failed.join(', ')}` };
  }
  if (holding.length === 0) return { remainingMs: 0, waitingFor: [], text: 'eligible now' };
  // the criteria whose time is the last to come are what the countdown waits for
  const timed = holding.filter((c) => c.eligibleAt && Date.parse(c.eligibleAt) > now);
  const latest = timed.filter((c) => c.eligibleAt === gate.eligibleAt);
  const others = holding.filter((c) => !timed.includes(c)).map(label);
  if (remainingMs > 0 && latest.length > 0) {
    const also = others.length ? `; also waiting for ${others.join(', ')}` : '';
    return {
      remainingMs,
      waitingFor: holding.map(label),
      text: `eligible in ${formatDuration(remainingMs)} (${latest.map(label).join(', ')})${also}`,
    };
  }
  const waiting = holding.map(label);
  return { remainingMs, waitingFor: waiting, text: `held: waiting for ${waiting.join(', ')}` };
}
