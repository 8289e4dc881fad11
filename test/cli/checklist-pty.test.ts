/**
 * The interactive checklist in a real pseudo-terminal: the built binary runs inside a detached tmux
 * session (a private tmux server per test), keys go in with `send-keys`, the screen comes back with
 * `capture-pane`. Every step waits for the text it expects on the screen (bounded), never for a
 * fixed time, so a slow 2-core machine only makes it slower.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN, baseEnv, PLAN, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

const servers: string[] = [];
afterEach(() => {
  for (const sock of servers.splice(0)) spawnSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
});
afterAll(removeSandboxes);

const WAIT_MS = 30_000;

class Terminal {
  private readonly sock: string;
  readonly session = 'rollout';
  readonly doneFile: string;

  constructor(
    readonly sb: Sandbox,
    name: string,
  ) {
    this.sock = sb.path(`${name}.sock`);
    this.doneFile = sb.path(`${name}.exit`);
    servers.push(this.sock);
  }

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.sock, ...args], { encoding: 'utf8', env: baseEnv() });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `rollout <args>` in a 200x50 terminal; its exit code lands in doneFile. */
  start(args: string[]): void {
    const env = `ROLLOUT_NOW=${this.sb.clock.now} ROLLOUT_USER=pty-user`;
    const cmd = `cd '${this.sb.dir}' && env ${env} '${process.execPath}' '${BIN}' ${args.join(' ')}; echo EXIT=$? > '${this.doneFile}'`;
    // remain-on-exit keeps the last screen readable after the program ends
    this.tmux('new-session', '-d', '-s', this.session, '-x', '200', '-y', '50', cmd, ';', 'set-option', '-t', this.session, 'remain-on-exit', 'on');
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
  }

  /** Waits until the screen matches; fails with the screen when it does not within WAIT_MS. */
  async waitFor(pattern: RegExp | string): Promise<string> {
    const end = Date.now() + WAIT_MS;
    for (;;) {
      const s = this.screen();
      if (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${String(pattern)} on the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for the program to end and returns its exit code. */
  async exitCode(): Promise<number> {
    const end = Date.now() + WAIT_MS;
    while (!existsSync(this.doneFile) || !/EXIT=\d+/.test(readFileSync(this.doneFile, 'utf8'))) {
      if (Date.now() > end) throw new Error(`the program did not end; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return Number(/EXIT=(\d+)/.exec(readFileSync(this.doneFile, 'utf8'))![1]);
  }
}

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
    expect(ITEMS.map((i) => Object.values(all).find((a) => a.text === i)?.status)).toEqual(['done', 'skipped', 'done', 'done', 'done', 'done', 'done']);
    const status = await sb.json('status', [], 0);
    expect(status.criteria.find((c: { name: string }) => c.name === 'checklist')).toMatchObject({ verdict: 'pass', detail: '7/7 items answered' });
  }, 150_000);
});
