/**
 * A command metric that outlives its timeout, through the built binary: its whole process group is
 * stopped, SIGKILL included for a process that ignores SIGTERM, and a grandchild that left the group
 * holding the command's output open does not keep rollout waiting — the policy of the one
 * child-process runner (src/edges/child-process.ts) that `run:` commands already had. Before, the
 * command metrics runner waited for the pipes to close: such a grandchild held `rollout status`
 * for as long as it lived (the second test failed: the run was still going after 30s).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { explain, removeSandboxes, Sandbox } from '../helpers/cli.js';
import { waitGone as gone } from '../helpers/processes.js';

const started: number[] = [];
afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  removeSandboxes();
});

/** Ignores SIGTERM, records its pid, and never ends by itself. */
const STUBBORN = `trap '' TERM; echo $$ >> stubborn.pids; while :; do sleep 1; done`;
/** Leaves the process group (setsid) and holds the command's stdout open for ten minutes. */
const ESCAPING = `setsid sh -c 'echo $$ >> escaped.pids; exec sleep 600' & wait`;

/** The reference plan with a second metrics provider, `cmd`, and a metric `stuck_probe` running `query` through it. */
const withProbe = (query: string) => (y: string) =>
  y
    // two metrics providers now: the plan's metrics name theirs
    .replaceAll('\n    category: ', '\n    provider: local\n    category: ')
    .replace(
      '    local: { type: file, path: data/recommendations-metrics.csv }\n',
      (line) => `${line}    cmd: { type: command, timeout: 1s }\n`,
    )
    .replace(
      'metrics:\n  # Performance\n',
      (head) =>
        `${head}  - name: stuck_probe\n    provider: cmd\n    query: ${JSON.stringify(query)}\n    slo: { below: 1 }\n`,
    );

describe('a command metric past its timeout', () => {
  it('has its process group killed, a process that ignores SIGTERM too, and holds the gate', async () => {
    const sb = Sandbox.create({ editPlan: withProbe(STUBBORN) });
    const r = await sb.cmd('status', ['--json'], { timeoutMs: 60_000 });
    const file = sb.path('plans', 'stubborn.pids');
    if (!existsSync(file)) throw new Error(`the command never ran: ${explain(r)}`);
    const pids = readFileSync(file, 'utf8').trim().split('\n').map(Number);
    started.push(...pids);
    if (r.code !== 0) throw new Error(`expected exit 0, got ${explain(r)}`);
    const probe = r.json().criteria.find((c: { name: string }) => c.name === 'stuck_probe');
    expect(probe).toMatchObject({ verdict: 'hold' });
    expect(probe.detail).toMatch(/did not finish within 1s/);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect([pid, await gone(pid)]).toEqual([pid, true]);
  }, 90_000);

  it('does not keep rollout waiting when a grandchild that left the group holds its output open', async () => {
    const sb = Sandbox.create({ editPlan: withProbe(ESCAPING) });
    const r = await sb.cmd('status', ['--json'], { timeoutMs: 30_000 });
    const file = sb.path('plans', 'escaped.pids');
    if (existsSync(file)) started.push(...readFileSync(file, 'utf8').trim().split('\n').map(Number));
    expect(r.timedOut).toBe(false);
    if (r.code !== 0) throw new Error(`expected exit 0, got ${explain(r)}`);
    expect(r.json().criteria.find((c: { name: string }) => c.name === 'stuck_probe')).toMatchObject({
      verdict: 'hold',
      detail: expect.stringMatching(/did not finish within 1s/),
    });
  }, 90_000);
});
