/**
 * The interactive checklist in a real pseudo-terminal: the built binary runs inside a detached tmux
 * session (a private tmux server per test), keys go in with `send-keys`, the screen comes back with
 * `capture-pane`. Every step waits for the text it expects on the screen (bounded), never for a
 * fixed time, so a slow 2-core machine only makes it slower.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { PLAN, removeSandboxes, Sandbox, T } from '../helpers/cli.js';
import { killTerminals, Terminal } from '../helpers/pty.js';

afterEach(killTerminals);
afterAll(removeSandboxes);

const ITEMS = [
  'Validate baseline metrics',
  'Configure feature flags',
  'Prepare a staging environment identical to production',
  'Load tests completed',
  'Database backups taken',
  'Monitoring active',
  'On-call team notified',
];

/** The prompt for one item, with "Done" highlighted: the select list is ready for keys. */
// the prompt numbers the items: `? [2/7] Configure feature flags`
const asking = (item: string) => new RegExp(`\\? \\[\\d+/\\d+\\] ${item}\\s*\\n❯ Done`);

describe('the interactive checklist in a terminal', () => {
  it('answers with Enter (Done) and arrows (Skip + reason), saves each answer, survives Ctrl-C and resumes at the next item', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const t1 = new Terminal(sb, 'first');
    t1.start(['checklist', PLAN]);

    // 1: Done
    await t1.waitFor(asking(ITEMS[0]!));
    t1.keys('Enter');
    // 2: Skip, with a reason
    await t1.waitFor(asking(ITEMS[1]!));
    t1.keys('Down');
    await t1.waitFor(/❯ Skip \(give a reason\)/);
    t1.keys('Enter');
    await t1.waitFor('? Why is it skipped?');
    t1.type('flags are managed by the platform team');
    await t1.waitFor('flags are managed by the platform team');
    t1.keys('Enter');
    // 3: Done
    await t1.waitFor(asking(ITEMS[2]!));
    t1.keys('Enter');
    // 4: Ctrl-C while it asks
    const screen = await t1.waitFor(asking(ITEMS[3]!));
    expect(screen).toContain(`✔ [1/7] ${ITEMS[0]} Done`);
    expect(screen).toContain('✔ Why is it skipped? flags are managed by the platform team');
    t1.keys('C-c');
    expect(await t1.exitCode()).toBe(130);
    expect(await t1.waitFor('cancelled')).toContain('answers given so far are saved');

    // the answers given so far are in the state, nothing else
    const saved = sb.state()!.phases['pre-deploy']!.checklist;
    expect(Object.values(saved).map((a) => [a.text, a.status, a.reason ?? null, a.by])).toEqual([
      [ITEMS[0], 'done', null, 'pty-user'],
      [ITEMS[1], 'skipped', 'flags are managed by the platform team', 'pty-user'],
      [ITEMS[2], 'done', null, 'pty-user'],
    ]);
    expect(sb.journal().filter((e) => e.type === 'checklist.answered')).toHaveLength(3);
    // the lock was released on the way out
    expect(existsSync(sb.path('plans', '.rollout', 'recommendations-v2.lock'))).toBe(false);

    // a re-run resumes at the next item: the answered ones are not asked again
    const t2 = new Terminal(sb, 'second');
    t2.start(['checklist', PLAN]);
    const resumed = await t2.waitFor(asking(ITEMS[3]!));
    for (const done of ITEMS.slice(0, 3)) expect(resumed).not.toContain(`? ${done}`);
    t2.keys('Enter');
    for (const item of ITEMS.slice(4)) {
      await t2.waitFor(asking(item));
      t2.keys('Enter');
    }
    expect(await t2.exitCode()).toBe(0);
    const end = await t2.waitFor('complete');
    expect(end).toContain('checklist of "pre-deploy" complete');

    const all = sb.state()!.phases['pre-deploy']!.checklist;
    expect(ITEMS.map((i) => Object.values(all).find((a) => a.text === i)?.status)).toEqual([
      'done',
      'skipped',
      'done',
      'done',
      'done',
      'done',
      'done',
    ]);
    const status = await sb.json('status', [], 0);
    expect(status.criteria.find((c: { name: string }) => c.name === 'checklist')).toMatchObject({
      verdict: 'pass',
      detail: '7/7 items answered',
    });
  }, 150_000);
});
