/**
 * The lock, through real processes: eight `advance` runs racing on an eligible rollout make exactly
 * one transition; a run that finds the lock held exits 5 naming the holder; a lock left by a killed
 * process is taken over by the next run, a live holder's never (even with its heartbeat stopped),
 * and a run that lost its lock writes nothing more; the lock is taken before the state is read; a
 * long journal is read as a stream.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { atStage, explain, removeSandboxes, Sandbox, type CliResult } from '../helpers/cli.js';

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
    const flagEffectsBefore = sb
      .journal()
      .filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.set-traffic').length;

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
        expect(e.message).toMatch(
          new RegExp(`pid \\d+ on ${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|holder unknown`),
        );
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

  it('a run that finds the lock held exits 5 naming the holder; once the holder is killed, the next run takes the lock over at once', async () => {
    // a checklist whose automated item hangs, holding the lock
    const sb = Sandbox.create({
      editPlan: (y) =>
        y.replace(
          '      - Validate baseline metrics\n',
          () =>
            '      - { id: hangs, text: Hangs, run: "echo $$ > sleeper.pid; exec sleep 60" }\n      - Validate baseline metrics\n',
        ),
    });
    const sleeperFile = sb.path('plans', 'sleeper.pid');
    const holderFile = sb.path('plans', '.rollout', 'recommendations-v2.lock-holder.json');

    let holderPid = 0;
    const holder: Promise<CliResult> = sb.cmd('checklist', ['--yes'], {
      timeoutMs: 60_000,
      onSpawn: (pid) => (holderPid = pid),
    });
    const pidIn = (f: string) => (existsSync(f) ? /^(\d+)\n/.exec(readFileSync(f, 'utf8'))?.[1] : undefined);
    await waitFor(
      'the checklist to reach its hanging item',
      () => pidIn(sleeperFile) !== undefined && existsSync(holderFile),
    );
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

    // The next run takes the abandoned lock over: its holder's pid is dead on this host.
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

describe('a lock is stale only when its holder is gone', () => {
  const lockFile = (sb: { path: (...p: string[]) => string }) =>
    sb.path('plans', '.rollout', 'recommendations-v2.lock');
  const SHORT_WAIT = { ROLLOUT_LOCK_WAIT: '1s' };

  it('a live run whose heartbeat stopped long ago (stopped, not dead) keeps its lock: another run exits 5, and the holder then finishes', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) =>
      y.replace(
        `run: "echo 'restore previous model version' "`,
        () => 'run: "echo $$ > sleeper.pid; while [ ! -f go ]; do sleep 0.1; done"',
      ),
    );
    const sleeperFile = sb.path('plans', 'sleeper.pid');
    let holderPid = 0;
    const holder = sb.cmd('rollback', ['--yes', '--json'], { timeoutMs: 90_000, onSpawn: (pid) => (holderPid = pid) });
    await waitFor(
      'the rollback to reach its waiting step',
      () => existsSync(sleeperFile) && /^\d+\n/.test(readFileSync(sleeperFile, 'utf8')),
    );
    killed.push(Number(readFileSync(sleeperFile, 'utf8').trim()));

    // the holder is suspended (Ctrl-Z, a paused container): no heartbeat; its lock looks ten minutes old
    process.kill(holderPid, 'SIGSTOP');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(lockFile(sb), old, old);
    try {
      const blocked = await sb.cmd('pause', ['--json'], { env: SHORT_WAIT, timeoutMs: 30_000 });
      expect({ code: blocked.code, out: blocked.code === 5 ? '' : explain(blocked) }).toEqual({ code: 5, out: '' });
      expect(blocked.json().error.message).toContain(`pid ${holderPid} on ${hostname()}`);
    } finally {
      process.kill(holderPid, 'SIGCONT');
    }
    sb.writeFile('plans/go', '');
    const done = await holder;
    expect({ code: done.code, out: done.code === 0 ? '' : explain(done) }).toEqual({ code: 0, out: '' });
    expect(done.json()).toMatchObject({ state: 'rolled-back' });
    expect(sb.state()).toMatchObject({ status: 'rolled-back' });
    expect(sb.journal().some((e) => e.type === 'rollout.paused')).toBe(false);
    const j = sb.journal();
    expect(j.map((e) => e.seq)).toEqual(j.map((_, i) => i + 1));
  }, 120_000);

  it('a run that lost its lock writes nothing more (no state, journal or flag) and exits 5', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) =>
      y.replace(
        `run: "echo 'restore previous model version' "`,
        () => 'run: "echo $$ > sleeper.pid; while [ ! -f go ]; do sleep 0.1; done"',
      ),
    );
    const sleeperFile = sb.path('plans', 'sleeper.pid');
    const holder = sb.cmd('rollback', ['--yes', '--json'], { timeoutMs: 90_000 });
    await waitFor(
      'the rollback to reach its waiting step',
      () => existsSync(sleeperFile) && /^\d+\n/.test(readFileSync(sleeperFile, 'utf8')),
    );
    killed.push(Number(readFileSync(sleeperFile, 'utf8').trim()));

    // meanwhile the lock went to someone else (as when a holder is judged gone and taken over)
    rmSync(lockFile(sb), { recursive: true, force: true });
    writeFileSync(
      lockFile(sb),
      `${JSON.stringify({
        token: 'someone-else',
        pid: process.pid,
        host: hostname(),
        since: new Date().toISOString(),
        command: 'advance',
      })}\n`,
    );
    const journal = readFileSync(sb.journalFile, 'utf8');
    const state = readFileSync(sb.stateFile, 'utf8');
    const flag = readFileSync(sb.flagFile, 'utf8');

    sb.writeFile('plans/go', '');
    const r = await holder;
    expect({ code: r.code, out: r.code === 5 ? '' : explain(r) }).toEqual({ code: 5, out: '' });
    expect(r.stderr).toMatch(/lost its lock/);
    expect(readFileSync(sb.journalFile, 'utf8')).toBe(journal);
    expect(readFileSync(sb.stateFile, 'utf8')).toBe(state);
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(flag);
    // and the lock it lost is left to its owner
    expect(JSON.parse(readFileSync(lockFile(sb), 'utf8'))).toMatchObject({ token: 'someone-else' });
  }, 120_000);

  it('a lock from another host is taken over only when its heartbeat stopped more than 60s ago', async () => {
    const sb = await atStage('canary-5');
    const lock = {
      token: 'remote',
      pid: 999_999,
      host: 'ci-runner-elsewhere',
      since: new Date().toISOString(),
      command: 'advance',
    };
    writeFileSync(lockFile(sb), `${JSON.stringify(lock)}\n`);
    const fresh = await sb.cmd('pause', ['--json'], { env: SHORT_WAIT, timeoutMs: 30_000 });
    expect({ code: fresh.code, out: fresh.code === 5 ? '' : explain(fresh) }).toEqual({ code: 5, out: '' });
    expect(fresh.json().error.message).toContain('pid 999999 on ci-runner-elsewhere');

    const old = new Date(Date.now() - 2 * 60_000);
    utimesSync(lockFile(sb), old, old);
    const taken = await sb.cmd('pause', ['--json'], { env: SHORT_WAIT, timeoutMs: 30_000 });
    expect({ code: taken.code, out: taken.code === 0 ? '' : explain(taken) }).toEqual({ code: 0, out: '' });
    expect(taken.stderr).toMatch(/took over .*ci-runner-elsewhere/);
    expect(existsSync(lockFile(sb))).toBe(false);
  });
});

describe('the lock comes first', () => {
  let holder: ChildProcess | undefined;
  afterAll(() => {
    holder?.kill('SIGKILL');
  });

  it.each([
    ['rollback', ['--yes']],
    ['advance', []],
    ['approve', ['--by', 'tech-lead']],
    ['reset', ['--yes']],
    ['pause', []],
    ['resume', ['--yes']],
    ['checklist', ['--yes']],
    ['reduce', []],
  ])('%s on a rolled-back rollout exits 5 (not 2) while another run holds the lock', async (command, args) => {
    const sb = await atStage('canary-5');
    expect((await sb.cmd('rollback', ['--yes'])).code).toBe(0);
    holder ??= spawn('sleep', ['300'], { stdio: 'ignore' });
    writeFileSync(
      sb.path('plans', '.rollout', 'recommendations-v2.lock'),
      `${JSON.stringify({
        token: 'live',
        pid: holder.pid,
        host: hostname(),
        since: new Date().toISOString(),
        command: 'checklist',
      })}\n`,
    );
    const before = sb.snapshot();
    const r = await sb.cmd(command, [...args, '--json'], { env: { ROLLOUT_LOCK_WAIT: '1s' }, timeoutMs: 30_000 });
    expect({ code: r.code, out: r.code === 5 ? '' : explain(r) }).toEqual({ code: 5, out: '' });
    expect(r.json().error).toMatchObject({ code: 'locked', exitCode: 5 });
    expect(r.json().error.message).toContain(`pid ${holder.pid}`);
    expect(sb.snapshot()).toEqual(before);
  });
});

describe('a long journal', () => {
  it('is read as a stream: with a journal of about 80 MB and a 64 MB heap, status, approve and advance work and the journal stays whole', async () => {
    const sb = await atStage('canary-5-approved');
    const real = readFileSync(sb.journalFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number });
    // years of scheduled checks in an earlier phase, then the real history renumbered after them
    const filler = JSON.stringify({
      decision: 'held',
      from: 'pre-deploy',
      reasons: ['checklist: 0/7 items answered'],
      criteria: Array.from({ length: 6 }, (_, i) => ({ name: `metric_${i}`, verdict: 'hold', detail: 'x'.repeat(80) })),
    });
    const N = 120_000;
    const fd = openSync(sb.journalFile, 'w');
    let chunk = '';
    for (let seq = 1; seq <= N; seq++) {
      chunk += `{"seq":${seq},"at":"2026-06-17T00:00:00.000Z","clock":"ROLLOUT_NOW","type":"gate.evaluated","phase":"pre-deploy","data":${filler}}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    for (const e of real) chunk += `${JSON.stringify({ ...e, seq: e.seq + N })}\n`;
    writeSync(fd, chunk);
    closeSync(fd);
    const size = statSync(sb.journalFile).size;
    expect(size).toBeGreaterThan(70 * 1024 * 1024);

    const small = { NODE_OPTIONS: '--max-old-space-size=64' };
    const st = await sb.cmd('status', ['--json'], { env: small, timeoutMs: 120_000 });
    expect({ code: st.code, out: st.code === 0 ? '' : explain(st) }).toEqual({ code: 0, out: '' });
    expect(st.json()).toMatchObject({ phase: 'canary-5', traffic: 5 });
    const ap = await sb.cmd('approve', ['--by', 'head-of-engineering', '--json'], { env: small, timeoutMs: 120_000 });
    expect({ code: ap.code, out: ap.code === 0 ? '' : explain(ap) }).toEqual({ code: 0, out: '' });
    const adv = await sb.cmd('advance', ['--json'], { env: small, timeoutMs: 120_000 });
    expect({ code: adv.code, out: adv.code === 0 ? '' : explain(adv) }).toEqual({ code: 0, out: '' });
    expect(adv.json()).toMatchObject({ decision: 'advanced', to: 'canary-25', traffic: 25 });
    // the new entries follow the last seq: nothing was renumbered or lost
    const tail = readFileSync(sb.journalFile)
      .subarray(size)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number });
    expect(tail.map((e) => e.seq)).toEqual(tail.map((_, i) => N + real.length + 1 + i));
  }, 300_000);
});
