/**
 * The clock never runs backwards through the state (issue 6, item 17), through the built binary:
 * commands that change the state refuse a clock earlier than the last recorded event (exit 2, naming
 * both times) and a switch from ROLLOUT_NOW to the system clock unless `--clock-jump` says so (and
 * the jump is journaled); read-only commands warn. The README's walk-through runs forward.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, atStage, explain, REPO, removeSandboxes, rollout, Sandbox, T, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

describe('a clock earlier than the last recorded event', () => {
  it('is refused by every command that changes the state (exit 2, naming both times); read-only commands warn and never show a negative time in phase', async () => {
    const sb = await atStage('canary-5'); // last events at T.canary5
    const back = after(T.canary5, '-2d');
    const before = sb.snapshot();
    for (const args of [
      ['approve', '--by', 'tech-lead'],
      ['advance'],
      ['checklist', '--yes'],
      ['pause'],
      ['rollback', '--yes'],
      ['reduce'],
      ['reset', '--yes'],
    ]) {
      const r = await sb.cmd(args[0]!, [...args.slice(1), '--json'], { now: back });
      try {
        expectCode(r, 2);
        expect(r.json().error.message).toContain('2026-06-16T09:00:00.000Z');
        expect(r.json().error.message).toContain('2026-06-18T09:00:00.000Z');
        expect(r.json().error.message).toMatch(/earlier than|backwards/);
      } catch (e) {
        throw new Error(`rollout ${args.join(' ')}: ${(e as Error).message}`);
      }
    }
    expect(sb.snapshot()).toEqual(before);

    const st = await sb.cmd('status', [], { now: back });
    expectCode(st, 0);
    expect(st.stderr).toMatch(/warning: .*2026-06-16T09:00:00\.000Z.*earlier than.*2026-06-18T09:00:00\.000Z/);
    expect(st.stdout).not.toMatch(/in phase -/);
    expect((await sb.json('status', [], 0, { now: back })).timeInPhaseMs).toBeGreaterThanOrEqual(0);
    expect(sb.snapshot()).toEqual(before);

    // a clock a little later is fine, and the journal keeps going forward
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead'], { now: after(T.canary5, '1m') }), 0);
    const ats = sb.journal().map((e) => Date.parse(e.at));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
  });
});

describe('a rollout recorded under ROLLOUT_NOW, then used with the system clock', () => {
  it('is refused unless --clock-jump says so; the jump is journaled with both clocks', async () => {
    const sb = await atStage('canary-5');
    const r = await sb.cmd('approve', ['--by', 'tech-lead', '--json'], { now: undefined });
    expectCode(r, 2);
    expect(r.json().error.message).toMatch(/ROLLOUT_NOW/);
    expect(r.json().error.hint).toContain('--clock-jump');
    expect(sb.state()!.phases['canary-5']!.approvals).toEqual([]);

    const st = await sb.cmd('status', [], { now: undefined });
    expectCode(st, 0);
    expect(st.stderr).toMatch(/warning: .*ROLLOUT_NOW.*--clock-jump/);

    const ok = await sb.cmd('approve', ['--by', 'tech-lead', '--clock-jump', '--json'], { now: undefined });
    expectCode(ok, 0);
    const jump = sb.journal().find((e) => e.type === 'clock.jumped');
    expect(jump?.data).toMatchObject({
      from: { clock: 'ROLLOUT_NOW', at: '2026-06-18T09:00:00.000Z' },
      to: { clock: 'system' },
    });
    expect(sb.journal().at(-1)).toMatchObject({ type: 'approval.recorded', clock: 'system' });
    // from then on the system clock is the rollout's clock: no flag needed
    expectCode(await sb.cmd('pause', [], { now: undefined }), 0);
  });
});

describe("the README's walk-through", () => {
  it('runs forward in time: every step succeeds and none warns about the clock', async () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const block = /```sh\n(export ROLLOUT_NOW=[^\n]+\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const sb = Sandbox.create();
    let exported = '';
    let steps = 0;
    for (const raw of block!.split('\n')) {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) continue;
      const exp = /^export ROLLOUT_NOW=(\S+)$/.exec(line);
      if (exp) {
        exported = exp[1]!;
        continue;
      }
      const m = /^(?:ROLLOUT_NOW=(\S+) )?npx rollout (.+)$/.exec(line);
      if (!m) throw new Error(`unexpected line in the walk-through: ${raw}`);
      const args = m[2]!.split(/\s+/);
      if (args[0] === 'checklist') args.push('--yes'); // no terminal here: "--yes in scripts"
      const r = await rollout(args, { cwd: sb.dir, now: m[1] ?? exported });
      expect({ line, code: r.code }).toEqual({ line, code: 0 });
      expect({ line, stderr: r.stderr }).not.toEqual({ line, stderr: expect.stringMatching(/earlier than|clock/) });
      steps++;
    }
    expect(steps).toBe(6);
  });
});
