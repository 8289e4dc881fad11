/**
 * A question is never hidden behind a spinner, and a line that ends a step is on the screen before
 * the next question: the rollback's manual "Done?" prompt and a failed checklist command, in a real
 * pseudo-terminal (tmux; see test/helpers/pty.ts).
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { PLAN, removeSandboxes, Sandbox, T } from '../helpers/cli.js';
import { killTerminals, Terminal } from '../helpers/pty.js';

afterEach(killTerminals);
afterAll(removeSandboxes);

describe('prompts in a terminal', () => {
  it('rollback: the manual step asks "Done?" on a screen where no spinner covers it, and the answer is recorded', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const t = new Terminal(sb, 'rollback');
    t.start(['rollback', PLAN]);
    const asked = await t.waitFor(/\? Database: Restore the snapshot if needed\. Done\? \(y\/N\)/);
    // the step's progress line stays above the question as plain text; no spinner frame redraws over it
    expect(asked).toMatch(/… rollback 3\/4: Database — Restore the snapshot if needed\n\? Database/);
    expect(asked).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    t.type('y');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    const end = await t.waitFor('rolled back');
    expect(end).toMatch(/✔ Database: confirmed by pty-user/);
    expect(sb.state()!.rollback!.steps.find((s) => s.component === 'Database')).toMatchObject({ status: 'done' });
  }, 120_000);

  it('checklist: a failed command\'s "✖ … (exit 1)" line is on the screen before the next item is asked', async () => {
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) =>
        y.replace(
          '      - Configure feature flags\n',
          '      - Configure feature flags\n      - { text: Smoke test, run: "exit 1" }\n',
        ),
    });
    const t = new Terminal(sb, 'checklist');
    t.start(['checklist', PLAN]);
    await t.waitFor(/\? \[1\/8\] Validate baseline metrics\s*\n❯ Done/);
    t.keys('Enter');
    await t.waitFor(/\? \[2\/8\] Configure feature flags\s*\n❯ Done/);
    t.keys('Enter');
    await t.waitFor(/\? \[3\/8\] Smoke test\s*\n\s+runs: exit 1\s*\n❯ Run it/);
    t.keys('Enter');
    const next = await t.waitFor(/\? \[4\/8\] Prepare a staging environment/);
    const failedAt = next.indexOf('✖ Smoke test (exit 1)');
    expect(failedAt).toBeGreaterThan(-1);
    expect(failedAt).toBeLessThan(next.indexOf('? [4/8] Prepare a staging environment'));
    t.keys('C-c');
    expect(await t.exitCode()).toBe(130);
  }, 120_000);
});
