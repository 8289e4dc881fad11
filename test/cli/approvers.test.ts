/**
 * Issue 7 item 7, through the built binary: approvers are who they say. An approval records the
 * claimed approver and who ran the command; a plan can bind an approver's name to identities and an
 * approval by anyone else is refused, saying why; `approve` takes ROLLOUT_USER as the README says;
 * an approval is bound to the phase (and visit) it was given in, and one that meets another phase is
 * refused, not moved.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from '@jest/globals';
import { atStage, explain, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

const ME = os.userInfo().username;
const HOST = os.hostname();
/** no CI identity leaks in from the machine running the tests */
const CLEAN = { GITHUB_ACTOR: undefined, GITLAB_USER_LOGIN: undefined, ROLLOUT_USER: undefined };

/** The reference plan with tech-lead bound to identities; the other approvers stay plain names. */
const withIdentities = (ids: string[]) => (yaml: string) =>
  yaml.replace(
    'approvers: [tech-lead, head-of-engineering, product-manager]',
    `approvers: [{ name: tech-lead, identities: [${ids.join(', ')}] }, head-of-engineering, product-manager]`,
  );

const approvals = (sb: Sandbox, phase = 'pre-deploy') => sb.state()?.phases[phase]?.approvals ?? [];

describe('who ran the command is recorded with the claimed approver', () => {
  it('approve takes ROLLOUT_USER when --by is not given (the README default)', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const r = await sb.cmd('approve', ['--json'], { env: { ...CLEAN, ROLLOUT_USER: 'tech-lead' } });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ by: 'tech-lead', recorded: true });
    expect(approvals(sb)).toEqual([expect.objectContaining({ by: 'tech-lead' })]);
  });

  it('the record holds the OS user, the host and the CI logins, and the phase and visit it was given in', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const r = await sb.cmd('approve', ['--by', 'tech-lead'], {
      env: { ...CLEAN, GITHUB_ACTOR: 'octo-cat', GITLAB_USER_LOGIN: 'gl-user' },
    });
    expect(r.code).toBe(0);
    const [a] = approvals(sb) as any[];
    expect(a).toMatchObject({
      by: 'tech-lead',
      phase: 'pre-deploy',
      visit: 1,
      runner: { os: ME, host: HOST, github: 'octo-cat', gitlab: 'gl-user' },
    });
    expect(a.enteredAt).toBe(sb.state()!.phases['pre-deploy']!.enteredAt);
    const entry = sb.journal().find((e) => e.type === 'approval.recorded')!;
    expect(entry.data).toMatchObject({ by: 'tech-lead', runner: { os: ME, github: 'octo-cat' } });
    // and the report says who ran it
    await sb.cmd('report');
    expect(sb.report('pre-deploy', 'md')).toContain(`${ME}@${HOST}, github:octo-cat, gitlab:gl-user`);
  });
});

describe('a plan binds approver names to identities', () => {
  it('the reference plan with identities validates; a malformed identity is refused at validation', async () => {
    const ok = Sandbox.create({
      editPlan: withIdentities(['alice@example.com', 'github:alice', `os:${ME}`, 'gitlab:alice']),
    });
    expect((await ok.cmd('validate')).code).toBe(0);
    const bad = Sandbox.create({ editPlan: withIdentities(['"alice smith"']) });
    const r = await bad.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plans\/recommendations\.yaml:\d+:\d+ .*identit.*github:LOGIN/);
  });

  it.each([
    ['another GitHub login', { GITHUB_ACTOR: 'mallory' }, 'github:mallory'],
    ['no CI login, another e-mail', { ROLLOUT_USER: 'mallory@example.com' }, `os:${ME}@${HOST}`],
  ])('%s: refused (exit 2), saying who ran it and who may; nothing is recorded', async (_n, env, shown) => {
    const sb = Sandbox.create({ now: T.canary5, editPlan: withIdentities(['github:alice', 'alice@example.com']) });
    const r = await sb.cmd('approve', ['--by', 'tech-lead'], { env: { ...CLEAN, ...env } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('approval as "tech-lead" refused');
    expect(r.stderr).toContain(shown);
    expect(r.stderr).toContain('github:alice, alice@example.com');
    expect(approvals(sb)).toEqual([]);
    expect(sb.journal().some((e) => e.type === 'approval.recorded')).toBe(false);
  });

  it.each([
    ['github:alice ↔ GITHUB_ACTOR (any case)', ['github:alice'], { GITHUB_ACTOR: 'Alice' }, 'github:alice'],
    ['gitlab:alice ↔ GITLAB_USER_LOGIN', ['gitlab:alice'], { GITLAB_USER_LOGIN: 'alice' }, 'gitlab:alice'],
    ['an e-mail ↔ ROLLOUT_USER', ['alice@example.com'], { ROLLOUT_USER: 'alice@example.com' }, 'alice@example.com'],
    ['os:USER ↔ the OS account', [`os:${ME}`], {}, `os:${ME}`],
    ['USER@HOST ↔ the OS account on this host', [`${ME}@${HOST}`], {}, `${ME}@${HOST}`],
  ])('%s: recorded with the identity it matched', async (_n, ids, env, identity) => {
    const sb = Sandbox.create({ now: T.canary5, editPlan: withIdentities(ids) });
    const r = await sb.cmd('approve', ['--by', 'tech-lead', '--json'], { env: { ...CLEAN, ...env } });
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    expect(r.json()).toMatchObject({ by: 'tech-lead', recorded: true, identity });
    expect(approvals(sb)).toEqual([expect.objectContaining({ by: 'tech-lead', identity })]);
  });

  it('without --by, the approver whose identities the runner matches is the one recorded', async () => {
    const sb = Sandbox.create({ now: T.canary5, editPlan: withIdentities(['github:alice']) });
    const r = await sb.cmd('approve', ['--json'], { env: { ...CLEAN, GITHUB_ACTOR: 'alice' } });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ by: 'tech-lead', identity: 'github:alice' });
  });

  it('plain string approvers keep working as before, for anyone', async () => {
    const sb = Sandbox.create({ now: T.canary5, editPlan: withIdentities(['github:alice']) });
    await sb.cmd('checklist', ['--yes']);
    expect(
      (await sb.cmd('approve', ['--by', 'head-of-engineering'], { env: { ...CLEAN, GITHUB_ACTOR: 'mallory' } })).code,
    ).toBe(0);
    expect((await sb.cmd('advance')).code).toBe(0);
    expect(sb.state()).toMatchObject({ phase: 'canary-5' });
  });

  it('an approval recorded before the plan bound the name to identities no longer counts', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    await sb.cmd('checklist', ['--yes']);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'], { env: CLEAN })).code).toBe(0);
    sb.editPlan(withIdentities(['github:alice']));
    const r = await sb.json('check', [], 3);
    expect(r.criteria.find((c: { name: string }) => c.name === 'approvals')).toMatchObject({ verdict: 'hold' });
  });
});

describe('an approval is bound to the phase it was given in', () => {
  it('--phase naming the current phase records it', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const r = await sb.cmd('approve', ['--by', 'tech-lead', '--phase', 'pre-deploy', '--json'], { env: CLEAN });
    expect(r.code).toBe(0);
    expect(approvals(sb)).toEqual([expect.objectContaining({ by: 'tech-lead', phase: 'pre-deploy' })]);
  });

  it('an approval for a phase the rollout has left meanwhile is refused, not moved to the new phase', async () => {
    const sb = await atStage('canary-5');
    // the operator looked at canary-5; meanwhile a scheduled job advanced to canary-25
    sb.clock.set(T.canary25);
    expect((await sb.cmd('approve', ['--by', 'tech-lead', '--phase', 'canary-5'])).code).toBe(0);
    expect((await sb.cmd('advance')).code).toBe(0);
    expect(sb.state()).toMatchObject({ phase: 'canary-25' });
    const before = JSON.stringify(sb.state());
    const r = await sb.cmd('approve', ['--by', 'head-of-engineering', '--phase', 'canary-5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /approval for leaving "canary-5" was not recorded: the rollout is in phase "canary-25" now/,
    );
    expect(JSON.stringify(sb.state())).toBe(before);
    expect(approvals(sb, 'canary-25')).toEqual([]);
  });

  it('without --phase: an approval that waited for the lock while the rollout moved on is refused, not moved', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(T.canary25);
    const moved = sb.clone();
    expect((await moved.cmd('approve', ['--by', 'tech-lead'])).code).toBe(0);
    expect((await moved.cmd('advance')).code).toBe(0);
    const lockFile = sb.path('plans', '.rollout', 'recommendations-v2.lock');
    // another run holds the lock (a live process on this host: this test's) while approve starts
    writeFileSync(
      lockFile,
      `${JSON.stringify({ token: 'another-run', pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command: 'advance' })}\n`,
    );
    try {
      const pending = sb.cmd('approve', ['--by', 'head-of-engineering']);
      await new Promise((r) => setTimeout(r, 3000));
      // … and moves the rollout to canary-25 (its journal and state), then lets go
      copyFileSync(moved.journalFile, sb.journalFile);
      copyFileSync(moved.stateFile, sb.stateFile);
      rmSync(lockFile, { force: true });
      const r = await pending;
      expect({ code: r.code, out: r.code === 2 ? '' : explain(r) }).toEqual({ code: 2, out: '' });
      expect(r.stderr).toMatch(
        /approval for leaving "canary-5" was not recorded: the rollout is in phase "canary-25" now/,
      );
      expect(approvals(sb, 'canary-25')).toEqual([]);
    } finally {
      rmSync(lockFile, { force: true });
    }
  });

  it('a phase the plan does not have is a usage error with a suggestion', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const r = await sb.cmd('approve', ['--by', 'tech-lead', '--phase', 'canary5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no phase "canary5".*\n.*canary-5/);
  });

  it('a recorded approval whose phase or visit is not the current one does not count', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    await sb.cmd('checklist', ['--yes']);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'], { env: CLEAN })).code).toBe(0);
    for (const tamper of [{ phase: 'canary-5' }, { visit: 2 }, { enteredAt: '2026-01-01T00:00:00.000Z' }]) {
      const copy = sb.clone();
      const state = copy.state()!;
      Object.assign(state.phases['pre-deploy']!.approvals[0]!, tamper);
      copy.writeFile('plans/.rollout/recommendations-v2.state.json', JSON.stringify(state));
      const r = await copy.json('check', [], 3);
      expect({ tamper, approvals: r.criteria.find((c: { name: string }) => c.name === 'approvals').verdict }).toEqual({
        tamper,
        approvals: 'hold',
      });
    }
  });
});
