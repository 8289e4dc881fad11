/**
 * `run:` commands (checklist items and rollback steps) through the built binary (issue 6, items 15
 * and 20): a timeout bounds the run even when a grandchild escaped the process group and holds the
 * output open; the group is killed and the item is recorded as "timed out after 3s". A failed
 * command item stays failed until it passes or is skipped with a reason: `--yes` never makes it done.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { atStage, removeSandboxes, Sandbox, expectCode } from '../helpers/cli.js';
import { waitGone } from '../helpers/processes.js';

const escaped: number[] = [];
afterAll(() => {
  for (const pid of escaped) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  removeSandboxes();
});

/** A command whose child stays in the group and whose grandchild escapes it (setsid) holding stdout. */
const HANGING = `sh -c 'echo $$ > group.pid; exec sleep 600' & setsid sh -c 'echo $$ > escaped.pid; exec sleep 600' & echo started; wait`;
const pidIn = (sb: Sandbox, f: string) => Number(readFileSync(sb.path('plans', f), 'utf8').trim());

describe('a `run:` timeout bounds the run', () => {
  it('a checklist item: its process group is killed at the timeout, an escaped grandchild holding the output does not keep the run waiting, and it is recorded as "timed out after 3s"', async () => {
    const sb = Sandbox.create({
      editPlan: (y) =>
        y.replace(
          '      - On-call team notified\n',
          () =>
            `      - On-call team notified\n      - { id: slow, text: Slow check, run: "${HANGING}", timeout: 3s }\n`,
        ),
    });
    const r = await sb.cmd('checklist', ['--yes', '--json'], { timeoutMs: 60_000 });
    if (existsSync(sb.path('plans', 'escaped.pid'))) escaped.push(pidIn(sb, 'escaped.pid'));
    expect(r.timedOut).toBe(false);
    expectCode(r, 3);
    expect(r.json().items.at(-1)).toMatchObject({
      id: 'slow',
      status: 'failed',
      exitCode: null,
      detail: 'timed out after 3s',
      output: 'started',
    });
    expect(await waitGone(pidIn(sb, 'group.pid'))).toBe(true);
    expect(sb.state()!.phases['pre-deploy']!.checklist['slow']).toMatchObject({
      status: 'failed',
      detail: 'timed out after 3s',
    });
    const status = await sb.json('status', [], 0);
    expect(status.criteria.find((c: { name: string }) => c.name === 'checklist').detail).toContain(
      'failed: Slow check',
    );

    // the lock was released with the run: the next command does not wait for the escaped process
    expectCode(await sb.cmd('pause', [], { env: { ROLLOUT_LOCK_WAIT: '1s' } }), 0);
  }, 90_000);

  it('a rollback step: the same bound, recorded as "timed out after 3s", and the next steps still run', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) =>
      y.replace(`run: "echo 'restore previous model version' "`, () => `run: "${HANGING}"\n    timeout: 3s`),
    );
    const r = await sb.cmd('rollback', ['--yes', '--json'], { timeoutMs: 60_000 });
    if (existsSync(sb.path('plans', 'escaped.pid'))) escaped.push(pidIn(sb, 'escaped.pid'));
    expect(r.timedOut).toBe(false);
    expectCode(r, 1);
    expect(r.json().steps.map((s: { status: string }) => s.status)).toEqual(['done', 'failed', 'pending', 'done']);
    expect(r.json().steps[1]).toMatchObject({ exitCode: null, detail: 'timed out after 3s' });
    expect(await waitGone(pidIn(sb, 'group.pid'))).toBe(true);
  }, 90_000);
});

describe('--yes and a failed `run:` item', () => {
  it('never turns the failure into done: --yes re-runs it, manual items after it are confirmed, and the checklist is incomplete while the failure stands', async () => {
    const sb = Sandbox.create({
      editPlan: (y) =>
        y.replace(
          '      - Configure feature flags\n',
          () =>
            '      - { id: smoke, text: Smoke tests, run: "echo run >> smoke.runs; test -f smoke.ok" }\n      - Configure feature flags\n',
        ),
    });
    const runs = () => readFileSync(sb.path('plans', 'smoke.runs'), 'utf8').split('\n').filter(Boolean).length;
    const item = (doc: { items: { id: string }[] }, id: string) => doc.items.find((i) => i.id === id);

    const c1 = await sb.json('checklist', ['--yes'], 3);
    expect(c1.complete).toBe(false);
    expect(item(c1, 'smoke')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(item(c1, 'configure-feature-flags')).toMatchObject({ status: 'done' });
    expect(c1.items.filter((i: { status: string }) => i.status === 'done')).toHaveLength(7);

    // again with --yes: the failed item runs again (and fails again); the confirmed ones are not asked again
    const c2 = await sb.json('checklist', ['--yes'], 3);
    expect(item(c2, 'smoke')).toMatchObject({ status: 'failed' });
    expect(runs()).toBe(2);
    // an answers file saying "done" does not make a command pass: it runs it
    sb.writeFile('answers.yaml', 'smoke: done\n');
    const c3 = await sb.json('checklist', ['--answers', 'answers.yaml'], 3);
    expect(item(c3, 'smoke')).toMatchObject({ status: 'failed' });
    expect(runs()).toBe(3);
    expect(
      sb.journal().filter((e) => e.type === 'checklist.answered' && e.data['id'] === 'configure-feature-flags'),
    ).toHaveLength(1);

    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    const held = await sb.json('advance', [], 3);
    expect(held.criteria.find((c: { name: string }) => c.name === 'checklist').detail).toContain('failed: Smoke tests');

    // skipped with a reason: the failure is answered, the checklist complete
    sb.writeFile('answers.yaml', 'smoke: "skip: staging is down, smoke-tested by hand"\n');
    const c4 = await sb.json('checklist', ['--answers', 'answers.yaml'], 0);
    expect(item(c4, 'smoke')).toMatchObject({ status: 'skipped', reason: 'staging is down, smoke-tested by hand' });
    expect(runs()).toBe(3);
  });
});
