/**
 * A rollback sticks (issue 6, items 7–9 and 18), through the built binary: a rollback that started
 * puts the rollout in `rolling-back` (saved before its first step) until it finishes; nothing advances
 * it until a person continues it (`rollout rollback`), resumes it or resets it; a re-run continues from
 * the first step that did not succeed; effects that happened are reported even when something after
 * them fails; `contingency.applied` is true only when an effect ran.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { after, atStage, PLAN, removeSandboxes, T, type Sandbox, expectCode } from '../helpers/cli.js';
import { killTerminals, Terminal } from '../helpers/pty.js';

const killed: number[] = [];
afterEach(killTerminals);
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

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ML_STEP = `run: "echo 'restore previous model version' "`;
const API_STEP = `run: "echo 'roll back the API deployment' "`;
const lines = (sb: Sandbox, rel: string) =>
  existsSync(sb.path(rel)) ? readFileSync(sb.path(rel), 'utf8').split('\n').filter(Boolean) : [];
const flagDisables = (sb: Sandbox) =>
  sb.journal().filter((e) => e.type === 'effect.start' && e.data['action'] === 'flag.disable').length;

describe('a rollback that did not finish', () => {
  it('leaves the rollout rolling-back: advance refuses and moves nothing, the approval given before never counts, `rollout rollback` finishes it without repeating what succeeded', async () => {
    const sb = await atStage('canary-5-approved'); // eligible, approved by tech-lead
    // commands run in the plan's folder (plans/): api.log counts the runs of a non-idempotent step
    sb.editPlan((y) =>
      y
        .replace(ML_STEP, () => 'run: "echo s3 access denied; test -f s3.fixed"')
        .replace(API_STEP, () => 'run: "echo api >> api.log"'),
    );

    const rb = await sb.cmd('rollback', ['--yes', '--json']);
    expectCode(rb, 1);
    expect(rb.json()).toMatchObject({ decision: 'rollback-incomplete', state: 'rolling-back', traffic: 0 });
    expect(rb.json().steps.map((s: { status: string }) => s.status)).toEqual(['done', 'failed', 'pending', 'done']);
    expect(sb.state()).toMatchObject({ status: 'rolling-back', phase: 'canary-5', traffic: 0 });
    expect(sb.flagTraffic()).toBe(0);
    expect(lines(sb, 'plans/api.log')).toHaveLength(1);
    expect(await sb.json('status', [], 0)).toMatchObject({ state: 'rolling-back', phase: 'canary-5', traffic: 0 });

    // nothing moves it forward: not advance (even eligible and approved), not approve, not reduce
    const flagBefore = readFileSync(sb.flagFile, 'utf8');
    for (const args of [
      ['advance'],
      ['advance', '--apply-contingency'],
      ['approve', '--by', 'head-of-engineering'],
      ['reduce'],
    ]) {
      const r = await sb.cmd(args[0]!, [...args.slice(1), '--json']);
      expectCode(r, 2);
      expect(r.json().error.message).toMatch(/rolling back/);
      expect(r.json().error.hint).toMatch(/rollout rollback/);
    }
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(flagBefore);
    expect(sb.state()).toMatchObject({ status: 'rolling-back', phase: 'canary-5', traffic: 0 });

    // `rollout rollback` again continues from the failed step: the flag step and the API step are not repeated
    sb.writeFile('plans/s3.fixed', '');
    const again = await sb.json('rollback', ['--yes'], 0);
    expect(again).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', traffic: 0, pending: 1 });
    expect(again.steps.map((s: { component: string; status: string }) => [s.component, s.status])).toEqual([
      ['Recommendation service', 'done'],
      ['ML models', 'done'],
      ['Database', 'pending'],
      ['API', 'done'],
    ]);
    expect(lines(sb, 'plans/api.log')).toHaveLength(1);
    expect(flagDisables(sb)).toBe(1);
    expect(sb.state()).toMatchObject({ status: 'rolled-back' });
    expectCode(await sb.cmd('advance'), 2);
    expect(sb.flagTraffic()).toBe(0);
  });

  it('a rollback killed during a step was already saved as rolling-back: advance refuses; the next `rollout rollback` continues at the interrupted step', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) => y.replace(ML_STEP, () => 'run: "test -f ml.ok || { echo $$ > sleeper.pid; exec sleep 60; }"'));
    const sleeperFile = sb.path('plans', 'sleeper.pid');
    let pid = 0;
    const holder = sb.cmd('rollback', ['--yes', '--json'], { timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
    await waitFor(
      'the rollback to reach its second step',
      () => existsSync(sleeperFile) && /^\d+\n/.test(readFileSync(sleeperFile, 'utf8')),
    );
    const sleeper = Number(readFileSync(sleeperFile, 'utf8').trim());
    killed.push(sleeper);
    process.kill(pid, 'SIGKILL');
    expect((await holder).signal).toBe('SIGKILL');
    process.kill(sleeper, 'SIGKILL');

    expect(sb.state()).toMatchObject({ status: 'rolling-back', phase: 'canary-5' });
    expect(sb.flagTraffic()).toBe(0);
    const adv = await sb.cmd('advance', ['--json']);
    expectCode(adv, 2);
    expect(sb.flagTraffic()).toBe(0);
    expect((await sb.json('status', [], 0)).state).toBe('rolling-back');

    sb.writeFile('plans/ml.ok', '');
    const rb = await sb.cmd('rollback', ['--yes', '--json']);
    expectCode(rb, 0);
    expect(rb.json()).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', traffic: 0 });
    expect(rb.json().steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'pending', 'done']);
    expect(flagDisables(sb)).toBe(1); // the flag step that had landed is not done again
    // the command the killed run left open is closed in the journal
    const open = sb.journal().filter((e) => e.type === 'effect.start' && e.data['action'] === 'command.run');
    for (const e of open)
      expect(sb.journal().some((x) => x.effect === e.effect && x.type !== 'effect.start')).toBe(true);
  }, 90_000);

  it('a person decides what comes next: resume needs --yes, goes back to the phase the flag serves now, and the approvals from before the rollback do not count', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) => y.replace(ML_STEP, () => 'run: "exit 1"'));
    expectCode(await sb.cmd('rollback', ['--yes']), 1);
    expect(sb.state()!.status).toBe('rolling-back');

    // no terminal and no --yes: it asks, so it fails at once, changing nothing
    const asked = await sb.cmd('resume', ['--json'], { timeoutMs: 10_000 });
    expectCode(asked, 2);
    expect(asked.json().error.hint).toContain('--yes');
    expect(sb.state()!.status).toBe('rolling-back');

    const r = await sb.json('resume', ['--yes'], 0);
    expect(r).toMatchObject({ state: 'in-progress', phase: 'pre-deploy', traffic: 0, changed: true });
    const resumed = sb
      .journal()
      .filter((e) => e.type === 'rollout.resumed')
      .at(-1)!;
    expect(resumed.data).toMatchObject({ after: 'rolling-back', phase: 'pre-deploy', traffic: 0 });
    // the approval by tech-lead was given before the rollback: it does not count now
    sb.clock.set(after(T.canary25, '1h'));
    const held = await sb.json('advance', [], 3);
    expect(held.criteria.find((c: { name: string }) => c.name === 'approvals')).toMatchObject({ verdict: 'hold' });
    expect(sb.flagTraffic()).toBe(0);
  });
});

describe('re-running a rollback', () => {
  it('keeps a manual step an operator confirmed, and does not run a non-idempotent restore twice', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) =>
      y
        .replace(ML_STEP, () => 'run: "echo restored >> restores.log"')
        .replace(API_STEP, () => 'run: "echo api down; test -f api.fixed"'),
    );
    // an operator runs it in a terminal and confirms the manual step; the API step fails
    const t = new Terminal(sb, 'rollback');
    t.start(['rollback', PLAN]);
    await t.waitFor('Database: Restore the snapshot if needed. Done?');
    t.type('y');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(1);
    expect(lines(sb, 'plans/restores.log')).toHaveLength(1);
    expect(sb.state()).toMatchObject({ status: 'rolling-back' });

    // the fix is in; a script finishes the rollback with --yes
    sb.writeFile('plans/api.fixed', '');
    const rb = await sb.json('rollback', ['--yes'], 0);
    expect(rb).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', pending: 0 });
    expect(rb.steps.map((s: { component: string; status: string }) => [s.component, s.status])).toEqual([
      ['Recommendation service', 'done'],
      ['ML models', 'done'],
      ['Database', 'done'],
      ['API', 'done'],
    ]);
    expect(rb.steps[2].detail).toContain('pty-user');
    expect(lines(sb, 'plans/restores.log')).toHaveLength(1);
    expect(sb.report('canary-5', 'md')).toMatch(/^\| Database \| Restore the snapshot if needed \| manual \| done \|/m);
    expect(sb.journal().filter((e) => e.type === 'effect.start' && e.data['action'] === 'manual.pending')).toHaveLength(
      0,
    );
  }, 90_000);
});

describe('effects that happened are reported even when something after them fails', () => {
  const breakReports = (sb: Sandbox) => {
    rmSync(sb.path('plans', 'reports'), { recursive: true, force: true });
    sb.writeFile('plans/reports', 'a file where the reports folder should be\n');
  };

  it('advance with an unwritable reports folder: the flag moved, so it is "advanced" with the decision\'s exit code and a warning naming the reports', async () => {
    const sb = await atStage('canary-5-approved');
    breakReports(sb);
    const r = await sb.cmd('advance', ['--json']);
    expectCode(r, 0);
    const j = r.json();
    expect(j.error).toBeUndefined();
    expect(j).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', traffic: 25 });
    expect(j.flag).toMatchObject({ after: { traffic: 25 } });
    expect(j.warnings.join('\n')).toMatch(/report/i);
    expect(sb.flagTraffic()).toBe(25);
    expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25 });
    expect(sb.journal().some((e) => e.type === 'rollout.advanced')).toBe(true);

    // in a terminal's words too
    const sb2 = await atStage('canary-5-approved');
    breakReports(sb2);
    const h = await sb2.cmd('advance');
    expectCode(h, 0);
    expect(h.stdout).toContain('advanced: canary-5 → canary-25');
    expect(h.stderr).toMatch(/warning: .*report/i);
    expect(h.stderr).not.toContain('unexpected error');
  });

  it('reduce and rollback with an unwritable reports folder report what they did, with a warning', async () => {
    const sb = await atStage('canary-25');
    sb.clock.set(after(T.canary25, '1h'));
    breakReports(sb);
    const red = await sb.cmd('reduce', ['--json']);
    expectCode(red, 0);
    expect(red.json()).toMatchObject({ decision: 'reduced', to: 'canary-5', traffic: 5 });
    expect(red.json().warnings.join('\n')).toMatch(/report/i);
    expect(sb.flagTraffic()).toBe(5);

    const rb = await sb.cmd('rollback', ['--yes', '--json']);
    expectCode(rb, 0);
    expect(rb.json()).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', traffic: 0 });
    expect(rb.json().warnings.join('\n')).toMatch(/report/i);
    expect(sb.state()).toMatchObject({ status: 'rolled-back' });
  });
});

describe('contingency.applied', () => {
  it('is false in check and in a dry run (what would happen is `advised`), and true in advance only once the action ran', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) => y.replace('severe: { action: rollback }', 'severe: { action: rollback, automatic: true }'));
    sb.setMetric('2026-06-19T20:00:00Z', 'latency_p95', 'canary', 900);
    const before = sb.snapshot();
    const check = await sb.json('check', [], 4);
    expect(check.contingency).toMatchObject({
      level: 'severe',
      action: 'rollback',
      automatic: true,
      applied: false,
      advised: true,
    });
    const dry = await sb.json('advance', ['--dry-run', '--yes'], 4);
    expect(dry.contingency).toMatchObject({ applied: false, advised: true });
    expect(sb.snapshot()).toEqual(before);

    const real = await sb.json('advance', ['--yes'], 4);
    expect(real).toMatchObject({ decision: 'rolled-back', state: 'rolled-back' });
    expect(real.contingency).toMatchObject({ applied: true, advised: true });
  });
});
