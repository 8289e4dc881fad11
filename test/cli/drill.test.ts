/**
 * `rollout drill PLAN` (issue 11 item 7): the plan, made harmless, run against a scenario on a
 * simulated clock in a scratch folder, through the binary. The problem is caught, the contingency and
 * the rollback run on the drill's own flag file; no command of the plan runs, nothing is sent, and the
 * real rollout's state is never touched.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { removeSandboxes, Sandbox } from '../helpers/cli.js';

const temps: string[] = [];
afterAll(() => {
  removeSandboxes();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
const scratch = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'rollout-drill-test-'));
  temps.push(d);
  return path.join(d, 'drill');
};

type Step = { step: string; command: string; exitCode: number; output: any };

describe('rollout drill', () => {
  it('latency: the gate catches the canary breach, the contingency rolls back; no command runs, nothing is sent, the real state untouched', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const marker = (name: string) => `touch ${name}; touch /tmp/rollout-drill-marker-${name}`;
      const sb = Sandbox.create({
        editPlan: (y) =>
          y
            .replace(`run: "echo 'roll back the API deployment' "`, `run: "${marker('api-rolled-back')}"`)
            .replace(
              '      - Load tests completed\n',
              `      - { text: Load tests completed, run: "${marker('load-tests')}" }\n`,
            )
            .replace(
              '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
              `  notifications:\n    hook: { type: webhook, url: "http://127.0.0.1:${port}/hook" }`,
            ),
      });
      const dir = scratch();
      const r = await sb.cmd('drill', ['--json', '--dir', dir], { timeoutMs: 150_000 });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const d = r.json();
      expect(d).toMatchObject({ plan: 'recommendations-v2', scenario: 'latency', dir, ok: true });
      const steps: Step[] = d.steps;
      expect(steps.map((s) => [s.command, s.exitCode])).toEqual([
        ['rollout checklist --yes', 0],
        ['rollout approve --by tech-lead', 0],
        ['rollout advance', 0],
        ['rollout check', 4],
        ['rollout advance --apply-contingency', 4],
        ['rollout status', 0],
      ]);
      const caught = steps[3]!.output;
      expect(caught.criteria.find((c: { name: string }) => c.name === 'latency_p95')).toMatchObject({
        verdict: 'fail',
      });
      expect(caught.contingency).toMatchObject({ level: 'severe', action: 'rollback' });
      expect(steps[5]!.output).toMatchObject({ state: 'rolled-back', traffic: 0 });
      expect(d.left).toEqual(expect.arrayContaining(['notifications (hook): printed, never sent']));
      expect(d.realRollback).toEqual(
        expect.arrayContaining([
          expect.stringContaining('run `touch api-rolled-back; touch /tmp/rollout-drill-marker-api-rolled-back`'),
        ]),
      );
      // nothing of the plan ran, nothing was sent, the real rollout has no state
      for (const name of ['api-rolled-back', 'load-tests']) {
        expect(existsSync(`/tmp/rollout-drill-marker-${name}`)).toBe(false);
        expect(existsSync(path.join(dir, name))).toBe(false);
      }
      expect(hits).toBe(0);
      expect(existsSync(sb.stateFile)).toBe(false);
      expect(readdirSync(dir).sort()).toEqual(['.rollout', 'data', 'plan.yaml', 'reports']);
    } finally {
      server.close();
    }
  }, 180_000);

  it('incident: an open incident fails the gate; the text narrates each step and what a real rollback would do', async () => {
    const sb = Sandbox.create({});
    const r = await sb.cmd('drill', ['--scenario', 'incident', '--yes', '--dir', scratch()], { timeoutMs: 150_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('An hour in, an incident of severity critical is opened');
    expect(r.stdout).toMatch(/── 4\. the gate catches it .* rollout check → exit 4 \(gate failed\)/);
    expect(r.stdout).toMatch(/incidents\s+FAIL/);
    expect(r.stdout).toContain('The plan says: a severe problem → rollback.');
    expect(r.stdout).toContain('taken about 27m to 42m in all');
    expect(r.stdout).toContain('The drill went as it should');
  }, 180_000);

  it('an unknown scenario and a folder that is not empty are usage errors (exit 2)', async () => {
    const sb = Sandbox.create({});
    const a = await sb.cmd('drill', ['--scenario', 'meteor']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('there is no drill scenario "meteor"');
    const dir = scratch();
    await sb.cmd('drill', ['--dir', dir, '--json'], { timeoutMs: 150_000 });
    writeFileSync(path.join(dir, 'x'), 'x');
    const b = await sb.cmd('drill', ['--dir', dir]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('is not empty');
  }, 180_000);
});
