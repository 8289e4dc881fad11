/**
 * The lock, through real processes: eight `advance` runs racing on an eligible rollout make exactly
 * one transition; a run that finds the lock held exits 5 naming the holder; a lock left by a killed
 * process is taken over by the next run.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { atStage, explain, removeSandboxes, type CliResult } from '../helpers/cli.js';

const killed: number[] = [];
afterAll(() => {
  for (const pid of killed) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  removeSandboxes();
});

/** Polls `check` every 50ms until it is true, or fails after `timeoutMs` naming what it waited for. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the lock', () => {
  it('eight concurrent advances on an eligible rollout make exactly one transition', async () => {
    const sb = await atStage('canary-5-approved');
    const flagEffectsBefore = sb.journal().filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic').length;

    const runs = await Promise.all(Array.from({ length: 8 }, () => sb.cmd('advance', ['--json'])));
    const codes = runs.map((r) => r.code);
    const report = runs.map(explain).join('\n=====\n');
    expect(runs.some((r) => r.timedOut)).toBe(false);

    const winners = runs.filter((r) => r.code === 0);
    if (winners.length !== 1) throw new Error(`expected exactly one exit 0 among ${JSON.stringify(codes)}:\n${report}`);
    expect(winners[0]!.json()).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', traffic: 25 });
    for (const r of runs.filter((x) => x.code !== 0)) {
      if (r.code === 3) {
        // it ran after the winner: the rollout is in canary-25 now, whose soak has just begun
        expect(r.json()).toMatchObject({ decision: 'held', from: 'canary-25', phase: 'canary-25', traffic: 25 });
      } else if (r.code === 5) {
        const e = r.json<{ error: { code: string; exitCode: number; message: string } }>().error;
        expect(e).toMatchObject({ code: 'locked', exitCode: 5 });
        expect(e.message).toMatch(new RegExp(`pid \\d+ on ${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|holder unknown`));
        expect(r.stderr).toContain('another run holds the lock');
      } else {
        throw new Error(`unexpected exit code among ${JSON.stringify(codes)}:\n${explain(r)}`);
      }
    }

    // one flag change, journaled once; the state moved once
    const j = sb.journal();
    const flagEffects = j.filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic');
    expect(flagEffects.length - flagEffectsBefore).toBe(1);
    expect(j.filter((e) => e.type === 'rollout.advanced' && e.phase === 'canary-5')).toHaveLength(1);
    expect(j.map((e) => e.seq)).toEqual(j.map((_, i) => i + 1)); // no torn or duplicated journal lines
    expect(sb.flag()?.metadata).toMatchObject({ traffic: 25, audience: 'active-users' });
    expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25 });
    expect(sb.state()!.phases['canary-25']!.visits).toBe(1);
  });

  it('a run that finds the lock held exits 5 naming the holder; once the holder is killed, the next run takes the lock over', async () => {
    const sb = await atStage('canary-5');
    // a rollback whose second step hangs, holding the lock
    sb.editPlan((y) => y.replace(`run: "echo 'restore previous model version' "`, () => 'run: "echo $$ > sleeper.pid; exec sleep 60"'));
    const sleeperFile = sb.path('plans', 'sleeper.pid');
    const holderFile = sb.path('plans', '.rollout', 'recommendations-v2.lock-holder.json');

    let holderPid = 0;
    const holder: Promise<CliResult> = sb.cmd('rollback', ['--yes'], { timeoutMs: 60_000, onSpawn: (pid) => (holderPid = pid) });
    const pidIn = (f: string) => (existsSync(f) ? /^(\d+)\n/.exec(readFileSync(f, 'utf8'))?.[1] : undefined);
    await waitFor('the rollback to reach its hanging step', () => pidIn(sleeperFile) !== undefined && existsSync(holderFile));
    const sleeper = Number(pidIn(sleeperFile));
    killed.push(sleeper);
    expect(JSON.parse(readFileSync(holderFile, 'utf8'))).toMatchObject({ pid: holderPid, host: hostname() });

    // while it is alive, another run gives up with exit 5 and says who holds the lock
    const blocked = await sb.cmd('pause', ['--json'], { timeoutMs: 30_000 });
    expect(blocked.code).toBe(5);
    expect(blocked.json().error.message).toContain(`pid ${holderPid} on ${hostname()}`);
    expect(blocked.stderr).toContain(`pid ${holderPid}`);
    expect(blocked.stderr).not.toMatch(/^\s+at /m);

    // the holder dies without releasing anything
    process.kill(holderPid, 'SIGKILL');
    const dead = await holder;
    expect(dead.signal).toBe('SIGKILL');
    process.kill(sleeper, 'SIGKILL');
    expect(existsSync(sb.path('plans', '.rollout', 'recommendations-v2.lock'))).toBe(true);

    // The next run takes the abandoned lock over: without a heartbeat it is stale after 5s, and a run
    // waits about 6s for a lock. A short pause first keeps that margin on a loaded 2-core machine.
    await new Promise((r) => setTimeout(r, 1500));
    const next = await sb.cmd('pause', ['--json', '--reason', 'after the crash'], { timeoutMs: 30_000 });
    expect({ code: next.code, out: next.code === 0 ? '' : explain(next) }).toEqual({ code: 0, out: '' });
    expect(next.json()).toMatchObject({ state: 'paused', changed: true });
    expect(sb.state()).toMatchObject({ status: 'paused' });
    expect(existsSync(holderFile)).toBe(false);
    // and the lock is free again for the one after
    const resumed = await sb.cmd('resume', ['--json']);
    expect(resumed.code).toBe(0);
  });
});
