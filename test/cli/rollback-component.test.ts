/**
 * `rollout rollback PLAN --component NAME` and `when:` rollback steps, through the built binary
 * (issue 10 item 4): one component's steps only, recorded in state, journal and report; a component
 * without the flag step leaves the flag alone and pauses the rollout until `rollout resume`
 * acknowledges it; a component with the flag step is the rollout's rollback; `when:` asks, --yes takes
 * the plan's default, the answer is journaled and reported, a step skipped by its answer shows as skipped.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { atStage, PLAN, removeSandboxes, type Sandbox, expectCode } from '../helpers/cli.js';
import { killTerminals, Terminal } from '../helpers/pty.js';

afterEach(killTerminals);
afterAll(removeSandboxes);

const ML_STEP = `run: "echo 'restore previous model version' "`;
const API_STEP = `run: "echo 'roll back the API deployment' "`;
const DB_STEP = '    manual: true\n    estimate: 15m-30m';
const runs = (sb: Sandbox, rel: string) =>
  existsSync(sb.path(rel)) ? readFileSync(sb.path(rel), 'utf8').split('\n').filter(Boolean) : [];

/** ML and API steps log their runs; the Database step is a command asked about with `when:` */
function counting(sb: Sandbox, dbDefault: 'yes' | 'no'): void {
  sb.editPlan((y) =>
    y
      .replace(ML_STEP, () => 'run: "echo ml >> runs.log"')
      .replace(API_STEP, () => 'run: "echo api >> runs.log"')
      .replace(
        DB_STEP,
        () =>
          `    run: "echo db >> runs.log"\n    when: { ask: "Is the snapshot needed?", default: ${dbDefault} }\n    estimate: 15m-30m`,
      ),
  );
}

describe('rollback --component', () => {
  it('runs only that component, leaves the flag and pauses the rollout until `rollout resume`; recorded in state, journal and report', async () => {
    const sb = await atStage('canary-5-approved');
    counting(sb, 'no');
    const flagBefore = sb.flagTraffic();
    const r = await sb.cmd('rollback', ['--component', 'ml models', '--reason', 'model drift', '--json']);
    expectCode(r, 0);
    expect(r.json()).toMatchObject({ decision: 'component-rolled-back', component: 'ML models', state: 'paused' });
    expect(r.json().steps.map((s: { component: string; status: string }) => [s.component, s.status])).toEqual([
      ['ML models', 'done'],
    ]);
    expect(runs(sb, 'plans/runs.log')).toEqual(['ml']);
    expect(sb.flagTraffic()).toBe(flagBefore);
    const state = sb.state()!;
    expect(state).toMatchObject({ status: 'paused', phase: 'canary-5' });
    expect(state.rollback).toBeUndefined();
    expect(state.componentRollbacks).toMatchObject([
      { component: 'ML models', reason: 'model drift', steps: [{ component: 'ML models', status: 'done' }] },
    ]);
    const types = sb.journal().map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'rollback.component.started',
        'rollback.component.finished',
        'rollout.component-rolled-back',
      ]),
    );
    expect(types).not.toContain('rollout.rolled-back');
    expect(sb.report('canary-5', 'md')).toMatch(/\| ML models \| Revert the model version in S3 \| run \| done \|/);

    // held: advance does not move a partially rolled-back rollout; resume acknowledges it
    const adv = await sb.cmd('advance', ['--yes', '--json']);
    expect(sb.state()).toMatchObject({ status: 'paused', phase: 'canary-5' });
    expect(adv.code).not.toBe(0);
    expectCode(await sb.cmd('resume', ['--yes']), 0);
    expect(sb.state()).toMatchObject({ status: 'in-progress' });
  }, 120_000);

  it('killed between the command and its record (kill -9): the next run records the step as interrupted and runs it again', async () => {
    const sb = await atStage('canary-5');
    counting(sb, 'no');
    const crashed = await sb.cmd('rollback', ['--component', 'ML models', '--yes'], {
      env: { ROLLOUT_TEST_CRASH_AT: 'landed:command.run' },
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(runs(sb, 'plans/runs.log')).toEqual(['ml']);
    const again = await sb.cmd('rollback', ['--component', 'ML models', '--yes', '--json']);
    expectCode(again, 0);
    expect(again.json()).toMatchObject({ decision: 'component-rolled-back', state: 'paused' });
    expect(runs(sb, 'plans/runs.log')).toEqual(['ml', 'ml']);
    const j = sb.journal();
    expect(j.filter((e) => e.type === 'effect.interrupted')).toHaveLength(1);
    const starts = j.filter((e) => e.type === 'effect.start').map((e) => e.effect);
    const closed = new Set(j.filter((e) => e.type !== 'effect.start' && e.effect).map((e) => e.effect));
    expect(starts.filter((id) => !closed.has(id))).toEqual([]);
    const recs = sb.state()!.componentRollbacks!;
    expect(recs.map((r) => [r.component, r.steps.map((s) => s.status), r.finishedAt !== undefined])).toEqual([
      ['ML models', ['failed'], true],
      ['ML models', ['done'], true],
    ]);
    expect(recs[0]!.steps[0]!.detail).toContain('interrupted');
    expect(sb.state()!.rollback).toBeUndefined();
  }, 60_000);

  it('an unknown component is a usage error (exit 2) naming the known ones; nothing runs', async () => {
    const sb = await atStage('canary-5');
    counting(sb, 'yes');
    const before = sb.snapshot();
    const r = await sb.cmd('rollback', ['--component', 'Cache', '--yes']);
    expectCode(r, 2);
    expect(r.stderr).toContain('no component "Cache"');
    expect(r.stderr).toContain('"Recommendation service", "ML models", "Database", "API"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(sb.snapshot()).toEqual(before);
  }, 60_000);

  it('the flag component is the rollout rollback: only its step runs and the rollout is rolled back', async () => {
    const sb = await atStage('canary-5');
    counting(sb, 'yes');
    const r = await sb.cmd('rollback', ['--component', 'Recommendation service', '--yes', '--json']);
    expectCode(r, 0);
    expect(r.json()).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', traffic: 0 });
    expect(r.json().steps).toHaveLength(1);
    expect(runs(sb, 'plans/runs.log')).toEqual([]);
    expect(sb.flagTraffic()).toBe(0);
  }, 60_000);
});

describe('when: on a rollback step', () => {
  it('--yes takes the plan default (no): the step is skipped, shown as skipped, its answer journaled and reported', async () => {
    const sb = await atStage('canary-5');
    counting(sb, 'no');
    const r = await sb.cmd('rollback', ['--yes', '--json']);
    expectCode(r, 0);
    const db = r.json().steps.find((s: { component: string }) => s.component === 'Database');
    expect(db).toMatchObject({
      status: 'skipped',
      answer: { question: 'Is the snapshot needed?', answer: 'no', by: 'default' },
    });
    expect(runs(sb, 'plans/runs.log')).toEqual(['ml', 'api']);
    expect(sb.state()).toMatchObject({ status: 'rolled-back' });
    expect(sb.journal().find((e) => e.type === 'rollback.answered')?.data).toMatchObject({
      component: 'Database',
      question: 'Is the snapshot needed?',
      answer: 'no',
      by: 'default',
    });
    expect(sb.report('canary-5', 'md')).toMatch(
      /\| Database \| Restore the snapshot if needed \| run \| skipped \|.*skipped: "Is the snapshot needed\?" no \(plan default\)/,
    );
    expect(r.stdout).toContain('skipped');
  }, 60_000);

  it('--yes with default yes runs the step, and says it was asked', async () => {
    const sb = await atStage('canary-5');
    counting(sb, 'yes');
    const r = await sb.cmd('rollback', ['--yes', '--json']);
    expectCode(r, 0);
    const db = r.json().steps.find((s: { component: string }) => s.component === 'Database');
    expect(db).toMatchObject({ status: 'done', answer: { answer: 'yes', by: 'default' } });
    expect(db.detail).toContain('"Is the snapshot needed?" yes (plan default)');
    expect(runs(sb, 'plans/runs.log')).toEqual(['ml', 'db', 'api']);
  }, 60_000);

  it('on a terminal the operator answers; the answer and who gave it are recorded', async () => {
    const sb = await atStage('canary-5');
    counting(sb, 'no');
    const t = new Terminal(sb, 'when');
    t.start(['rollback', PLAN]);
    await t.waitFor(/\? Database: Is the snapshot needed\? \(y\/N\)/);
    t.type('y');
    t.keys('Enter');
    expect(await t.exitCode()).toBe(0);
    expect(runs(sb, 'plans/runs.log')).toEqual(['ml', 'db', 'api']);
    expect(sb.state()!.rollback!.steps.find((s) => s.component === 'Database')).toMatchObject({
      status: 'done',
      answer: { answer: 'yes', by: 'pty-user' },
    });
  }, 120_000);
});
