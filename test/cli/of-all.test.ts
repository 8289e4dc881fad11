/**
 * `of: all` through the built binary (issue 10 item 2): "traffic: 5, audience: technical-users, of: all"
 * is 5% of ALL users chosen among technical users. With the audience's `share: 40` (percent of all users),
 * the flag serves 12.5% of technical-users, the outputs show both numbers, and the state and the flag agree.
 * Without an audience or a share, or with more traffic than the audience holds, the plan is refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { atStage, explain, removeSandboxes, T } from '../helpers/cli.js';

afterAll(removeSandboxes);

const OF_ALL = (y: string) =>
  y
    .replace(
      /technical-users: \{ attribute: profile, in: \[technical\] \}/,
      'technical-users: { attribute: profile, in: [technical], share: 40 }',
    )
    .replace(/( {2}- name: canary-5\n {4}traffic: 5\n {4}audience: technical-users\n)/, '$1    of: all\n');

describe('of: all', () => {
  it('serves 12.5% of technical-users for 5% of all users from a 40% audience, and says both', async () => {
    const sb = await atStage('start');
    sb.editPlan(OF_ALL);
    expect(readFileSync(sb.path(sb.plan), 'utf8')).toContain('    of: all\n');
    const v = await sb.cmd('validate');
    if (v.code !== 0) throw new Error(explain(v));
    expect(v.stdout).toContain('canary-5 5% of all users (12.5% of technical-users)');
    const show = await sb.cmd('show');
    expect(show.stdout).toContain('5% of all users (12.5% of technical-users)');
    expect((await sb.cmd('checklist', ['--yes'])).code).toBe(0);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'])).code).toBe(0);
    sb.clock.set(T.canary5);
    const a = await sb.cmd('advance');
    if (a.code !== 0) throw new Error(explain(a));
    expect(a.stdout).toContain('5% of all users (12.5% of technical-users)');
    // the flag serves 12.5% of the technical users
    expect(sb.flagTraffic()).toBe(12.5);
    const st = await sb.cmd('status', ['--json']);
    expect(st.code).toBe(0);
    const doc = st.json();
    expect(doc.traffic).toBe(12.5);
    expect(doc.trafficOfAllUsers).toBe(5);
    expect(doc.flagMatchesState).toBe(true);
    const all = (await sb.run(['status', '--all', 'plans', '--json'])).json();
    expect(all.rollouts.find((r: { plan: string }) => r.plan === 'recommendations-v2')).toMatchObject({
      traffic: 12.5,
      trafficOfAllUsers: 5,
      audience: 'technical-users',
    });
    expect(doc.flagMismatch).toEqual([]);
    const text = await sb.cmd('status');
    expect(text.stdout).toContain('5% of all users (12.5% of technical-users)');
    expect(text.stdout + text.stderr).not.toMatch(/but the state records/);
    const md = readFileSync(sb.path('plans', 'reports', 'recommendations-v2', 'pre-deploy.md'), 'utf8');
    expect(md).toContain('5% of all users (12.5% of technical-users)');
  });

  it.each([
    [
      'without an audience',
      (y: string) =>
        y.replace(/( {2}- name: canary-5\n {4}traffic: 5\n) {4}audience: technical-users\n/, '$1    of: all\n'),
      /says `of: all` but has no audience/,
    ],
    [
      'when the audience has no share',
      (y: string) =>
        y.replace(/( {2}- name: canary-5\n {4}traffic: 5\n {4}audience: technical-users\n)/, '$1    of: all\n'),
      /audience technical-users has no share[\s\S]*share: N/,
    ],
    [
      'when a later phase serves its audience less than an earlier `of: all` phase did',
      // 5% of all users from a 40% audience is 12.5% of technical-users; a later 10% of them takes some away
      (y: string) =>
        OF_ALL(y).replace(
          /(\n {2}- name: canary-25\n)/,
          '\n  - name: canary-tech\n    traffic: 10\n    audience: technical-users\n$1',
        ),
      /phase "canary-tech" serves 10% of technical-users, less than the 12\.5% of technical-users that phase "canary-5" serves \(5% of all users\)/,
    ],
    [
      'with more traffic than the audience holds',
      (y: string) => OF_ALL(y).replace('share: 40', 'share: 3'),
      /cannot serve 5% of all users from technical-users, which is 3% of all users/,
    ],
  ])('is refused %s, with file:line:column (exit 2)', async (_what, edit, message) => {
    const sb = await atStage('start');
    sb.editPlan(edit);
    const r = await sb.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/recommendations\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['""', '.nan', '.inf', '0', '-5', '101', '"40"'])(
    'a share of %s is one problem at the share, with nothing made up from it (exit 2)',
    async (value) => {
      const sb = await atStage('start');
      sb.editPlan((y) => OF_ALL(y).replace('share: 40', `share: ${value}`));
      const r = await sb.cmd('validate');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/recommendations\.yaml:\d+:\d+ audiences\.technical-users\.share: /);
      expect(r.stderr).toContain('1 problem;');
    },
  );
});
