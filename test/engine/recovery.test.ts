/** judgeEffect: what an effect a crashed run left open means, given what the flag serves now. Pure. */
import { describe, expect, test } from '@jest/globals';
import { judgeEffect } from '../../src/engine/recovery.js';
import { enterPhase, initialState, rollbackStarted } from '../../src/engine/state-ops.js';
import type { JournalEntry } from '../../src/state/types.js';
import { at, buildPlan, HOUR, phaseInput } from '../helpers/builders.js';

const plan = buildPlan({
  phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { audience: 'beta' }), phaseInput('full', 100)],
  audiences: { beta: { attribute: 'group', in: ['beta'] } },
  rollback: [
    { component: 'svc', procedure: 'flag off', action: 'flag' },
    { component: 'db', procedure: 'restore', run: 'restore.sh' },
  ],
});
const T = (h: number) => at(h * HOUR);
const fresh = initialState(plan, T(5));
const inCanary = enterPhase({ ...fresh, status: 'in-progress' }, plan, 1, 10, T(1));
const effect = (data: Record<string, unknown>, over: Partial<JournalEntry> = {}): JournalEntry => ({
  seq: 9,
  at: T(2),
  clock: 'system',
  type: 'effect.start',
  phase: 'pre-deploy',
  effect: 'e-1',
  data,
  ...over,
});
const setTraffic = (traffic: number, audience?: string, toPhase?: string) =>
  effect({
    action: 'flag.set-traffic',
    target: { traffic, audience },
    before: { enabled: false, traffic: 0 },
    ...(toPhase ? { toPhase } : {}),
  });

describe('an interrupted flag change', () => {
  test('that landed before the first save: the rollout started when the flag moved, in the phase it entered', () => {
    const v = judgeEffect({
      plan,
      state: fresh,
      effect: setTraffic(10, 'beta', 'canary'),
      flag: { enabled: true, traffic: 10, audience: 'beta' },
      nowIso: T(6),
    });
    expect(v.landed).toBe(true);
    expect(v.state).toMatchObject({
      status: 'in-progress',
      phase: 'canary',
      phaseIndex: 1,
      traffic: 10,
      startedAt: T(2),
      lastEffect: 'e-1',
    });
    expect(v.state.phases['pre-deploy']).toMatchObject({ enteredAt: T(2), leftAt: T(2) });
    expect(v.state.phases['canary']).toMatchObject({ enteredAt: T(2), visits: 1, approvals: [] });
    expect(v.state.phases['pre-deploy']!.flagAfter).toMatchObject({ traffic: 10 });
  });

  test.each([
    ['named in the journal', 'canary'],
    ['inferred from its traffic and audience', undefined],
  ])('the phase it entered is %s', (_label, toPhase) => {
    const v = judgeEffect({
      plan,
      state: fresh,
      effect: setTraffic(10, 'beta', toPhase),
      flag: { enabled: true, traffic: 10, audience: 'beta' },
      nowIso: T(6),
    });
    expect(v.state.phase).toBe('canary');
  });

  test('that the state already records (same effect id) is not recorded again', () => {
    const recorded = { ...inCanary, lastEffect: 'e-1' };
    const v = judgeEffect({
      plan,
      state: recorded,
      effect: setTraffic(10, 'beta'),
      flag: { enabled: true, traffic: 10, audience: 'beta' },
      nowIso: T(6),
    });
    expect(v).toMatchObject({ landed: true });
    expect(v.state).toBe(recorded);
  });

  test('that did not land (the flag serves what the state records) changes nothing', () => {
    const v = judgeEffect({
      plan,
      state: inCanary,
      effect: setTraffic(100),
      flag: { enabled: true, traffic: 10, audience: 'beta' },
      nowIso: T(6),
    });
    expect(v).toMatchObject({ landed: false });
    expect(v.state).toBe(inCanary);
    expect(v.note).toContain('did not land');
  });

  test.each([
    ['neither what it asked nor what the state records', { enabled: true, traffic: 50 }],
    ['an unreadable share', { enabled: true, traffic: Number.NaN }],
    ['no flag reading at all', undefined],
  ])('with %s is unknown and records nothing', (_label, flag) => {
    const v = judgeEffect({ plan, state: inCanary, effect: setTraffic(100), flag, nowIso: T(6) });
    expect(v.landed).toBe('unknown');
    expect(v.state).toBe(inCanary);
  });
});

describe('an interrupted rollback step', () => {
  const rolling = rollbackStarted(inCanary, T(3), 'breach');
  test('a flag step found off is recorded as done, 0% served', () => {
    const v = judgeEffect({
      plan,
      state: rolling,
      effect: effect({ action: 'flag.disable', step: 0 }),
      flag: { enabled: false, traffic: 0 },
      nowIso: T(6),
    });
    expect(v.landed).toBe(true);
    expect(v.state).toMatchObject({ status: 'rolling-back', traffic: 0 });
    expect(v.state.rollback!.steps).toEqual([expect.objectContaining({ index: 0, kind: 'flag', status: 'done' })]);
  });

  test('a flag step found still on is recorded as failed: `rollout rollback` does it again', () => {
    const v = judgeEffect({
      plan,
      state: rolling,
      effect: effect({ action: 'flag.disable', step: 0 }),
      flag: { enabled: true, traffic: 10 },
      nowIso: T(6),
    });
    expect(v.landed).toBe(false);
    expect(v.state.rollback!.steps).toEqual([expect.objectContaining({ index: 0, status: 'failed' })]);
  });

  test('a command nobody can tell about is recorded as failed, to be run again', () => {
    const v = judgeEffect({
      plan,
      state: rolling,
      effect: effect({ action: 'command.run', step: 1, command: 'restore.sh' }),
      nowIso: T(6),
    });
    expect(v.landed).toBe('unknown');
    expect(v.state.rollback!.steps).toEqual([expect.objectContaining({ index: 1, kind: 'run', status: 'failed' })]);
  });

  test('a flag found off with no rollback saved (an older run) puts the rollout in rolling-back', () => {
    const v = judgeEffect({
      plan,
      state: inCanary,
      effect: effect({ action: 'flag.disable', step: 0 }),
      flag: { enabled: false, traffic: 0 },
      nowIso: T(6),
    });
    expect(v.state).toMatchObject({ status: 'rolling-back', traffic: 0 });
  });
});
