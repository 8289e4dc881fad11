/** watch's loop with a fake driver (a simulated clock): when it stops, after how many checks, with which code. */
import { describe, expect, it } from '@jest/globals';
import type { DecisionKind } from '../../src/engine/decide.js';
import { runWatch, type CheckResult, type WatchBounds } from '../../src/cli/watch-loop.js';

const M = 60_000;

function drive(results: CheckResult[], b: Partial<WatchBounds>, opts: { stopAfter?: number } = {}) {
  let now = 0;
  let n = 0;
  const sleeps: number[] = [];
  const bounds: WatchBounds = { everyMs: 10 * M, until: 'eligible', act: false, ...b };
  return runWatch(
    bounds,
    {
      now: () => now,
      check: async () => results[Math.min(n++, results.length - 1)]!,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      stopping: () => opts.stopAfter !== undefined && n >= opts.stopAfter,
    },
    async () => undefined,
  ).then((end) => ({ ...end, sleeps: sleeps.length }));
}
const d = (decision: DecisionKind): CheckResult => ({ kind: 'decision', decision });

describe('runWatch', () => {
  it('--for counts time on the clock from the first check: 1h every 10m is 7 checks, then exit 3 (held)', async () => {
    expect(await drive([d('held')], { forMs: 60 * M })).toEqual({ reason: 'bound', checks: 7, exitCode: 3, sleeps: 6 });
  });

  it('--max-checks stops at that count', async () => {
    expect(await drive([d('held')], { maxChecks: 4, forMs: 24 * 60 * M })).toMatchObject({
      reason: 'bound',
      checks: 4,
    });
  });

  it('--until eligible stops on the first check that would pass; --until done goes on until completion', async () => {
    const seq = [d('held'), d('held'), d('advanced'), d('held'), d('completed')];
    expect(await drive(seq, { forMs: 24 * 60 * M })).toMatchObject({ reason: 'eligible', checks: 3, exitCode: 0 });
    expect(await drive(seq, { until: 'done', act: true, forMs: 24 * 60 * M })).toMatchObject({
      reason: 'done',
      checks: 5,
      exitCode: 0,
    });
    expect(await drive(seq, { until: 'eligible', act: true, forMs: 24 * 60 * M })).toMatchObject({
      reason: 'advanced',
      checks: 3,
    });
  });

  it('a failed gate, a reduce or a rollback stops it with exit 4; a completed rollout with 0; a skipped check goes on', async () => {
    for (const k of ['failed', 'reduced', 'rolled-back'] as const)
      expect(await drive([d('held'), d(k)], { forMs: 60 * M })).toMatchObject({
        reason: 'failed',
        checks: 2,
        exitCode: 4,
      });
    expect(await drive([{ kind: 'inactive', status: 'completed' }], {})).toMatchObject({ reason: 'done', exitCode: 0 });
    expect(await drive([{ kind: 'inactive', status: 'rolled-back' }], {})).toMatchObject({
      reason: 'failed',
      exitCode: 4,
    });
    expect(await drive([{ kind: 'skipped', reason: 'locked' }], { maxChecks: 3 })).toMatchObject({
      reason: 'bound',
      checks: 3,
      exitCode: 5,
    });
  });

  it('a signal during a check ends the watch before it waits again', async () => {
    expect(await drive([d('held')], { forMs: 60 * M }, { stopAfter: 2 })).toEqual({
      reason: 'signal',
      checks: 2,
      exitCode: 3,
      sleeps: 1,
    });
  });
});
