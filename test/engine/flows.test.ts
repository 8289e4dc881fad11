/**
 * Every command that changes the state goes read → decide → execute → commit, and commits in one fixed
 * order: the state saved, then the journal entry that records the change, then the notifications,
 * then the reports. Engine flows with fake services (no binary): the order of every write is asserted.
 */
import { describe, expect, test } from '@jest/globals';
import { advance } from '../../src/engine/flows/advance.js';
import { approve } from '../../src/engine/flows/approve.js';
import { runChecklist } from '../../src/engine/flows/checklist.js';
import { setPaused } from '../../src/engine/flows/pause.js';
import { reduce } from '../../src/engine/flows/reduce.js';
import { reset } from '../../src/engine/flows/reset.js';
import { rollbackNow } from '../../src/engine/flows/rollback.js';
import { initialState } from '../../src/engine/state-ops.js';
import {
  newRecording,
  recordingFlags,
  recordingNotifier,
  recordingReports,
  recordingRunner,
  recordingStore,
} from '../../src/cli/dry-run.js';
import type { Services } from '../../src/engine/services.js';
import { versionOf } from '../../src/state/journal-events.js';
import { buildPlan, HOUR, phaseInput, T0 } from '../helpers/builders.js';
import { fakeServices, type Fakes } from '../helpers/fake-services.js';

const plan = buildPlan({
  phases: [
    phaseInput('pre-deploy', 0, { checklist: ['tag the release', { text: 'smoke test', run: 'smoke.sh' }] }),
    phaseInput('canary', 10, { advance: { approvals: { required: 1, approvers: ['alice'] } } }),
    phaseInput('full', 100),
  ],
  providers: {
    flags: { local: { type: 'file', path: 'flags.json' } },
    metrics: { local: { type: 'file', path: 'metrics.csv' } },
    notifications: { team: { type: 'webhook', url: 'http://127.0.0.1:9/hook' } },
  },
  stakeholders: [{ audience: 'team', notify: 'team' }],
  rollback: [
    { component: 'svc', procedure: 'flag off', action: 'flag' },
    { component: 'db', procedure: 'restore', run: 'restore.sh' },
  ],
  reports: { formats: ['md'] },
});

/** The writes since `from`, with each report named by its phase only. */
const since = (f: Fakes, from: number) => f.writes.slice(from);

/** A rollout whose pre-deploy checklist is answered, so its gate passes. */
async function answered(): Promise<Fakes> {
  const f = fakeServices();
  await runChecklist(plan, f.services, { yes: true });
  return f;
}

/** In canary at 10%, approved by alice. */
async function inCanary(): Promise<Fakes> {
  const f = await answered();
  await advance(plan, f.services, { applyContingency: false });
  await approve(plan, f.services, { by: 'alice', fallbackName: 'tester', runner: { os: 'me', host: 'here' } });
  return f;
}

describe('each flow commits state → journal → notifications → reports', () => {
  test('checklist: each answer is saved, then journaled; a command is an effect closed after its answer', async () => {
    const f = fakeServices();
    const r = await runChecklist(plan, f.services, { yes: true });
    expect(r.complete).toBe(true);
    expect(f.writes).toEqual([
      'save',
      'checklist.answered',
      'effect.start',
      'save',
      'checklist.answered',
      'effect.done',
    ]);
    expect(f.commands).toEqual(['smoke.sh']);
  });

  test('advance: the gate journaled, the flag moved between its effect entries (state saved first), then the decision, the notification, the report', async () => {
    const f = await answered();
    const n = f.writes.length;
    const o = await advance(plan, f.services, { applyContingency: false });
    expect(o.decision.decision).toBe('advanced');
    expect(since(f, n)).toEqual([
      'gate.evaluated',
      'effect.start',
      'save',
      'effect.done',
      'save',
      'rollout.advanced',
      'notify.sent',
      'report demo/pre-deploy.md',
    ]);
    expect(f.flag.traffic).toBe(10);
    expect(f.sent.map((s) => s.event.kind)).toEqual(['advanced']);
  });

  test('advance that holds: the gate and the decision journaled, nothing moved, no report before the journal', async () => {
    const f = await answered();
    await advance(plan, f.services, { applyContingency: false });
    const n = f.writes.length;
    const o = await advance(plan, f.services, { applyContingency: false });
    expect(o.decision.decision).toBe('held');
    expect(since(f, n)).toEqual(['gate.evaluated', 'save', 'rollout.held', 'notify.sent', 'report demo/canary.md']);
  });

  test('approve: the approval saved, then journaled', async () => {
    const f = await answered();
    await advance(plan, f.services, { applyContingency: false });
    const n = f.writes.length;
    const r = await approve(plan, f.services, { by: 'alice', fallbackName: 'x', runner: { os: 'me', host: 'here' } });
    expect(r).toMatchObject({ recorded: true, approvals: ['alice'], required: 1 });
    expect(since(f, n)).toEqual(['save', 'approval.recorded']);
    // given again, it is not recorded twice and nothing is written
    const m = f.writes.length;
    expect(
      (await approve(plan, f.services, { by: 'alice', fallbackName: 'x', runner: { os: 'me', host: 'here' } }))
        .recorded,
    ).toBe(false);
    expect(since(f, m)).toEqual([]);
  });

  test('pause and resume: saved, then journaled; a pause of a paused rollout writes nothing', async () => {
    const f = await inCanary();
    let n = f.writes.length;
    expect((await setPaused(plan, f.services, true, 'freeze')).changed).toBe(true);
    expect(since(f, n)).toEqual(['save', 'rollout.paused']);
    n = f.writes.length;
    expect((await setPaused(plan, f.services, true)).changed).toBe(false);
    expect(since(f, n)).toEqual([]);
    expect((await setPaused(plan, f.services, false)).changed).toBe(true);
    expect(since(f, n)).toEqual(['save', 'rollout.resumed']);
  });

  test('reduce: the flag moved between its effect entries, then the state, the decision, the notification, the report', async () => {
    const f = await inCanary();
    const n = f.writes.length;
    const r = await reduce(plan, f.services, 'errors');
    expect(r.to).toBe('pre-deploy');
    expect(since(f, n)).toEqual([
      'effect.start',
      'save',
      'effect.done',
      'save',
      'rollout.reduced',
      'notify.sent',
      'report demo/canary.md',
    ]);
    expect(f.flag.traffic).toBe(0);
  });

  test('rollback, then reset: each step an effect; the outcome saved, journaled, notified, reported; reset saves before it journals', async () => {
    const f = await inCanary();
    let n = f.writes.length;
    const r = await rollbackNow(plan, f.services, 'bad');
    expect(r.state.status).toBe('rolled-back');
    expect(since(f, n)).toEqual([
      'save',
      'rollback.started',
      'effect.start',
      'save',
      'effect.done',
      'effect.start',
      'save',
      'effect.done',
      'save',
      'rollback.finished',
      'save',
      'rollout.rolled-back',
      'notify.sent',
      'report demo/canary.md',
      // the rollout ended: the release notes and lessons-learned drafts (src/engine/report-extras.ts)
      'report demo/release-notes.md',
      'report demo/lessons-learned.md',
    ]);
    n = f.writes.length;
    f.tick(HOUR);
    const again = await reset(plan, f.services);
    expect(again).toMatchObject({ confirmed: true, abandoned: false });
    expect(since(f, n)).toEqual(['save', 'rollout.reset']);
    expect(f.state()).toMatchObject({ status: 'not-started', phase: 'pre-deploy' });
  });

  test('reset declined: nothing is written', async () => {
    const f = fakeServices({ confirm: false });
    await f.services.store.save({ ...initialState(plan, new Date(T0).toISOString()), status: 'completed' });
    const n = f.writes.length;
    expect((await reset(plan, f.services)).confirmed).toBe(false);
    expect(since(f, n)).toEqual([]);
  });
});

describe('the typed journal', () => {
  test('every entry written says its version, its actor, and effects carry the id the id service made', async () => {
    const f = await inCanary();
    expect(f.journal.every((e) => e.v === 1 && versionOf(e) === 1 && e.data['actor'] === 'tester')).toBe(true);
    expect(f.journal.filter((e) => e.type === 'effect.start').map((e) => e.effect)).toEqual(['effect-1', 'effect-2']);
  });

  test('an entry written before the version field reads as version 1', () => {
    expect(versionOf({ seq: 1, at: new Date(T0).toISOString(), clock: 'system', type: 'rollout.held', data: {} })).toBe(
      1,
    );
  });
});

describe('a dry run is harmless through its recorders alone', () => {
  /** The services a dry run gets: the same engine, the write-capable services swapped for recorders. */
  function dryRun(f: Fakes) {
    const r = newRecording();
    const real = f.services;
    const services: Services = {
      ...real,
      store: recordingStore(real.store, r),
      runner: recordingRunner(r),
      reports: recordingReports('/reports', r),
      providers: {
        ...real.providers,
        flags: async () => recordingFlags(await real.providers.flags(), r),
        notifier: async (name) => recordingNotifier(name, r),
      },
    };
    return { services, r };
  }

  test('advance: nothing saved, journaled, moved, sent or written; the journal, the notification and the report are recorded', async () => {
    const f = await answered();
    const n = f.writes.length;
    const { services, r } = dryRun(f);
    const o = await advance(plan, services, { applyContingency: false });
    expect(o.decision.decision).toBe('advanced');
    expect(o.reports).toEqual([]);
    expect(o.notifications).toEqual([{ notifier: 'team', ok: true }]);
    expect(since(f, n)).toEqual([]);
    expect(f.flag.traffic).toBe(0);
    expect(f.sent).toEqual([]);
    expect(r.actions).toEqual([
      { action: 'flag.set-traffic', detail: { flag: 'demo-flag', traffic: 10, audience: undefined } },
    ]);
    expect(r.journal.map((e) => e.type)).toEqual([
      'gate.evaluated',
      'effect.start',
      'effect.done',
      'rollout.advanced',
      'notify.sent',
    ]);
    expect(r.notified).toEqual([{ notifier: 'team', kind: 'advanced' }]);
    expect(r.reports).toEqual(['/reports/demo/pre-deploy.md']);
  });

  test('rollback: its steps recorded, not run; the rollout stays where it is', async () => {
    const f = await inCanary();
    const n = f.writes.length;
    const { services, r } = dryRun(f);
    await rollbackNow(plan, services, 'drill');
    expect(since(f, n)).toEqual([]);
    expect(f.commands).toEqual(['smoke.sh']);
    expect(r.actions.map((a) => a.action)).toEqual(['flag.disable', 'run']);
    expect(f.state()).toMatchObject({ status: 'in-progress', phase: 'canary' });
  });
});
