/**
 * `rollout watch`'s loop: one check (or, with --advance, one advance) every `everyMs`, until a bound
 * or a decision stops it. What a check does, how the loop waits and what it tells are given to it, so
 * the loop itself only decides when to stop:
 *
 * - a failed gate (failed, reduced, rolled back) stops it: exit 4, the contingency in the output;
 * - a completed or rolled-back rollout stops it (`--until done`, and always: nothing is left to watch);
 * - `--until eligible`: the first check whose gate would pass (or, with --advance, the first advance);
 * - `--until done` with --advance: an advance moves on to the next phase and the watch goes on;
 * - `--for` (time on the tool's clock) and `--max-checks` bound it: it ends with the last check's code;
 * - a signal ends it between checks (an acting step under way finishes first, and its lock is released).
 */
import type { DecisionKind } from '../engine/decide.js';
import { EXIT_FOR_DECISION } from '../engine/decide.js';

export type WatchUntil = 'eligible' | 'done';

export interface WatchBounds {
  everyMs: number;
  until: WatchUntil;
  /** on the tool's clock, from the first check */
  forMs?: number | undefined;
  maxChecks?: number | undefined;
  /** --advance: each check is an advance (under the lock) */
  act: boolean;
}

/** What one check found. `skipped`: another run held the lock, nothing was done. */
export type CheckResult =
  | { kind: 'decision'; decision: DecisionKind }
  | { kind: 'inactive'; status: 'completed' | 'rolled-back' | 'rolling-back' }
  | { kind: 'skipped'; reason: string };

export type StopReason = 'eligible' | 'advanced' | 'done' | 'failed' | 'bound' | 'signal';

export interface WatchEnd {
  reason: StopReason;
  checks: number;
  exitCode: number;
}

export interface WatchDriver<C extends CheckResult> {
  now(): number;
  check(n: number): Promise<C>;
  /** waits `ms` (really, or on a simulated clock by moving it); resolves early once `stopping()` */
  sleep(ms: number): Promise<void>;
  stopping(): boolean;
}

/** The exit code a check leaves when the watch stops on it (contract §5). */
export function exitFor(r: CheckResult): number {
  if (r.kind === 'decision') return EXIT_FOR_DECISION[r.decision];
  if (r.kind === 'skipped') return 5;
  return r.status === 'completed' ? 0 : 4;
}

/** Whether the watch stops on this check, and why. */
export function stopOn(r: CheckResult, b: WatchBounds): StopReason | undefined {
  if (r.kind === 'inactive') return r.status === 'completed' ? 'done' : 'failed';
  if (r.kind === 'skipped') return undefined;
  switch (r.decision) {
    case 'failed':
    case 'reduced':
    case 'rolled-back':
      return 'failed';
    case 'completed':
      // a check's "completed" is what an advance would do: eligible, not done
      return b.act ? 'done' : b.until === 'eligible' ? 'eligible' : undefined;
    case 'advanced':
      if (b.until === 'eligible') return b.act ? 'advanced' : 'eligible';
      return undefined;
    case 'held':
      return undefined;
  }
}

export async function runWatch<C extends CheckResult>(
  b: WatchBounds,
  d: WatchDriver<C>,
  onCheck: (r: C, n: number) => Promise<void>,
): Promise<WatchEnd> {
  const start = d.now();
  let last: C | undefined;
  for (let n = 1; ; n++) {
    if (d.stopping()) return { reason: 'signal', checks: n - 1, exitCode: last ? exitFor(last) : 3 };
    last = await d.check(n);
    await onCheck(last, n);
    const stop = stopOn(last, b);
    if (stop) return { reason: stop, checks: n, exitCode: exitFor(last) };
    if (b.maxChecks !== undefined && n >= b.maxChecks) return { reason: 'bound', checks: n, exitCode: exitFor(last) };
    if (b.forMs !== undefined && d.now() + b.everyMs - start > b.forMs)
      return { reason: 'bound', checks: n, exitCode: exitFor(last) };
    // a signal that came during the check ends the watch now, not after the next wait
    if (d.stopping()) return { reason: 'signal', checks: n, exitCode: exitFor(last) };
    await d.sleep(b.everyMs);
  }
}
