/**
 * `rollout status --all [DIR]` through the binary: every plan of the folder in one table and in
 * JSON, each at its own phase; a plan that cannot be read is a row with its error and exit 1.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { atStage, removeSandboxes, T } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

describe('status --all', () => {
  it('shows every rollout of the folder, each where it is, in a table and in JSON', async () => {
    const sb = await atStage('canary-5');
    const text = readFileSync(sb.path(sb.plan), 'utf8');
    for (const n of [2, 3])
      writeFileSync(sb.path('plans', `copy-${n}.yaml`), text.replace('name: recommendations-v2', `name: copy-${n}`));
    sb.clock.set(T.canary5);
    const r = await sb.run(['status', '--all', 'plans', '--json']);
    // the two example plans need variables this sandbox does not set: error rows, exit 1
    const doc = r.json<{
      rollouts: { plan: string; phase: string; traffic: number; state: string; error?: string }[];
    }>();
    const byPlan = Object.fromEntries(doc.rollouts.filter((x) => x.plan).map((x) => [x.plan, x]));
    expect(byPlan['recommendations-v2']).toMatchObject({ phase: 'canary-5', traffic: 5, state: 'in-progress' });
    expect(byPlan['copy-2']).toMatchObject({ phase: 'pre-deploy', traffic: 0, state: 'not-started' });
    expect(byPlan['copy-3']).toMatchObject({ phase: 'pre-deploy', traffic: 0, state: 'not-started' });
    expect(byPlan['recommendations-v2']!.error).toBeUndefined();
    const errors = doc.rollouts.filter((x) => x.error);
    expect(errors.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);

    const table = await sb.run(['status', '--all', 'plans']);
    expect(table.code).toBe(1);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/plan\s+phase\s+traffic\s+state\s+waiting for\s+next eligible/);
    expect(lines.find((l) => l.startsWith('recommendations-v2'))).toMatch(
      /canary-5\s+5% of technical-users\s+in-progress/,
    );
    expect(lines.find((l) => l.startsWith('copy-2'))).toMatch(/pre-deploy\s+0%\s+not-started/);
    expect(table.stderr).not.toMatch(/^\s+at /m);
  });

  it('a missing folder is a usage error naming it', async () => {
    const sb = await atStage('canary-5');
    const missing = await sb.run(['status', '--all', 'no-such-folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-folder');
    expect(missing.stderr).not.toMatch(/^\s+at /m);
  });
});
