import { describe, expect, test } from '@jest/globals';
import { assessGate, atOrWorse, worstLevel } from '../../src/gates/assess.js';
import { DEFAULT_SLO_WINDOW, gatingMetrics, phaseCriteria } from '../../src/gates/criteria.js';
import type { Observations } from '../../src/gates/types.js';
import type { ContingencyLevel, Plan } from '../../src/plan/schema.js';
import type { Incident, Severity } from '../../src/providers/types.js';
import type { PhaseRecord } from '../../src/state/types.js';
import {
  at,
  buildPlan,
  DAY,
  HOUR,
  metricInput,
  MIN,
  observation,
  observations,
  phaseInput,
  phaseRecord,
  T0,
} from '../helpers/builders.js';

const providers = {
  flags: { local: { type: 'file', path: 'f.json' } },
  metrics: { local: { type: 'file', path: 'm.csv' } },
  incidents: { local: { type: 'file', path: 'i.json' } },
};

/** pre-deploy (checklist) → canary (48h soak) → full (own advance: two approvals, no incident check, 6h window) */
const plan: Plan = buildPlan({
  providers,
  metrics: [
    metricInput({ name: 'latency' }),
    metricInput({ name: 'throughput', query: 'tp', unit: 'req/s', slo: undefined }),
  ],
  phases: [
    phaseInput('pre-deploy', 0, { checklist: ['Backups taken', { id: 'smoke', text: 'Smoke tests', run: 'true' }] }),
    phaseInput('canary', 10, { minDuration: '48h' }),
    phaseInput('full', 100, {
      advance: { sloWindow: '6h', noOpenIncidents: false, approvals: { required: 2, approvers: ['ana', 'bo', 'cy'] } },
    }),
  ],
  advance: { sloWindow: '1h', noOpenIncidents: 'high', approvals: { required: 1, approvers: ['ana', 'bo'] } },
});

const PRE = 0;
const CANARY = 1;
const FULL = 2;

/** Everything fine: healthy metrics and no incidents. */
const healthy = (over: Partial<Observations> = {}): Observations =>
  observations(
    { latency: observation({ value: 120 }), throughput: observation({ value: 900 }) },
    over.incidents ?? { list: [] },
  );

const approved = (...by: string[]) => by.map((b, i) => ({ by: b, at: at(-HOUR + i * MIN) }));
const answered = (ids: Record<string, 'done' | 'skipped' | 'failed'>): PhaseRecord['checklist'] =>
  Object.fromEntries(
    Object.entries(ids).map(([id, status]) => [id, { id, text: id, status, by: 'ana', at: at(-2 * HOUR) }]),
  );

function assess(args: {
  phaseIndex: number;
  record?: PhaseRecord | undefined;
  obs?: Observations;
  now?: number;
  paused?: boolean;
  plan?: Plan;
}) {
  const p = args.plan ?? plan;
  const name = p.phases[args.phaseIndex]!.name;
  return assessGate({
    plan: p,
    phaseIndex: args.phaseIndex,
    record: 'record' in args ? args.record : phaseRecord(name, { enteredAt: at(-3 * DAY), approvals: approved('ana') }),
    observations: args.obs ?? healthy(),
    now: args.now ?? T0,
    paused: args.paused,
  });
}

const byName = (r: ReturnType<typeof assessGate>, name: string) => r.criteria.find((c) => c.name === name);

describe('helpers', () => {
  test.each<[(ContingencyLevel | undefined)[], ContingencyLevel | undefined]>([
    [[], undefined],
    [[undefined], undefined],
    [['light'], 'light'],
    [['light', 'moderate'], 'moderate'],
    [['severe', 'light', undefined], 'severe'],
    [['moderate', 'light'], 'moderate'],
  ])('worstLevel(%j) = %j', (levels, want) => {
    expect(worstLevel(levels)).toBe(want);
  });

  test.each<[Severity, Severity, boolean]>([
    ['critical', 'critical', true],
    ['high', 'critical', false],
    ['critical', 'high', true],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['low', 'low', true],
    ['critical', 'low', true],
  ])('atOrWorse(%s, %s) = %s', (severity, threshold, want) => {
    expect(atOrWorse(severity, threshold)).toBe(want);
  });
});

describe('phaseCriteria', () => {
  test('the plan advance applies; a traffic-0 phase is judged on the control cohort', () => {
    expect(phaseCriteria(plan, plan.phases[PRE]!)).toEqual({
      sloWindow: '1h',
      sloWindowMs: HOUR,
      noOpenIncidents: 'high',
      approvals: { required: 1, approvers: ['ana', 'bo'], identities: {} },
      minDurationMs: 0,
      validateMs: 0,
      cohort: 'control',
    });
    expect(phaseCriteria(plan, plan.phases[CANARY]!)).toMatchObject({ minDurationMs: 48 * HOUR, cohort: 'canary' });
  });

  test('a phase-level advance overrides key by key', () => {
    expect(phaseCriteria(plan, plan.phases[FULL]!)).toMatchObject({
      sloWindow: '6h',
      sloWindowMs: 6 * HOUR,
      noOpenIncidents: false,
      approvals: { required: 2, approvers: ['ana', 'bo', 'cy'] },
      cohort: 'canary',
    });
  });

  test('with no advance at all: the default window, no approvals, no incident check', () => {
    const bare = buildPlan();
    expect(phaseCriteria(bare, bare.phases[1]!)).toMatchObject({
      sloWindow: DEFAULT_SLO_WINDOW,
      noOpenIncidents: undefined,
      approvals: { required: 0, approvers: [] },
    });
  });

  test('gatingMetrics: only metrics with an SLO or a comparison', () => {
    expect(gatingMetrics(plan).map((m) => m.name)).toEqual(['latency']);
  });
});

describe('assessGate: checklist', () => {
  test.each<[string, Record<string, 'done' | 'skipped' | 'failed'>, string, string]>([
    ['complete', { 'backups-taken': 'done', smoke: 'done' }, 'pass', '2/2 items answered'],
    ['complete with a skipped item', { 'backups-taken': 'skipped', smoke: 'done' }, 'pass', '2/2 items answered'],
    [
      'incomplete',
      { 'backups-taken': 'done' },
      'hold',
      '1/2 items answered; open: Smoke tests; run `rollout checklist`',
    ],
    ['not started', {}, 'hold', '0/2 items answered; open: Backups taken, Smoke tests; run `rollout checklist`'],
    [
      'with a failed item',
      { 'backups-taken': 'done', smoke: 'failed' },
      'hold',
      '1/2 items answered; failed: Smoke tests; run `rollout checklist`',
    ],
  ])('%s', (_what, ids, verdict, detail) => {
    const r = assess({
      phaseIndex: PRE,
      record: phaseRecord('pre-deploy', { checklist: answered(ids), approvals: approved('ana') }),
    });
    expect(byName(r, 'checklist')).toEqual({ name: 'checklist', kind: 'checklist', verdict, detail });
    expect(r.verdict).toBe(verdict);
  });

  test('a phase without a checklist has no checklist criterion', () => {
    expect(byName(assess({ phaseIndex: CANARY }), 'checklist')).toBeUndefined();
  });
});

describe('assessGate: minDuration', () => {
  test('not elapsed: hold, with when it will be', () => {
    const r = assess({
      phaseIndex: CANARY,
      record: phaseRecord('canary', { enteredAt: at(-DAY), approvals: approved('ana') }),
    });
    const c = byName(r, 'minDuration')!;
    expect(c.verdict).toBe('hold');
    expect(c.eligibleAt).toBe(at(DAY));
    expect(c.detail).toBe(`1d of 48h in phase; eligible at ${at(DAY)} (in 1d)`);
    expect(r).toMatchObject({ verdict: 'hold', eligibleAt: at(DAY) });
  });

  test.each([
    ['exactly elapsed', -48 * HOUR, '2d in phase ≥ 48h'],
    ['long elapsed', -5 * DAY, '5d in phase ≥ 48h'],
  ])('%s: pass', (_what, entered, detail) => {
    const r = assess({
      phaseIndex: CANARY,
      record: phaseRecord('canary', { enteredAt: at(entered), approvals: approved('ana') }),
    });
    expect(byName(r, 'minDuration')).toMatchObject({ verdict: 'pass', detail });
    expect(r.verdict).toBe('pass');
  });

  test('no record yet: the phase counts as entered now', () => {
    const r = assess({ phaseIndex: CANARY, record: undefined });
    expect(byName(r, 'minDuration')).toMatchObject({ verdict: 'hold', eligibleAt: at(48 * HOUR) });
  });
});

describe('assessGate: approvals', () => {
  test.each<[string, string[], string, string]>([
    ['none given', [], 'hold', '0/2 approvals; any of ana, bo, cy can run `rollout approve --by NAME`'],
    [
      'the same person twice counts once',
      ['ana', 'ana'],
      'hold',
      '1/2 approvals (ana); any of ana, bo, cy can run `rollout approve --by NAME`',
    ],
    ['two distinct', ['ana', 'bo'], 'pass', '2/2 approvals (ana, bo)'],
    ['more than required', ['ana', 'bo', 'cy'], 'pass', '3/2 approvals (ana, bo, cy)'],
  ])('%s', (_what, by, verdict, detail) => {
    const r = assess({ phaseIndex: FULL, record: phaseRecord('full', { approvals: approved(...by) }) });
    expect(byName(r, 'approvals')).toEqual({ name: 'approvals', kind: 'approvals', verdict, detail });
  });

  test('no approvals required: no criterion', () => {
    const bare = buildPlan();
    const r = assess({ plan: bare, phaseIndex: 1, obs: observations() });
    expect(r.criteria).toEqual([]);
    expect(r.verdict).toBe('pass');
  });
});

describe('assessGate: incidents', () => {
  const incident = (id: string, severity: Severity): Incident => ({ id, severity, title: `${severity} thing` });

  test.each<[string, Incident[], string]>([
    [
      'one at the threshold',
      [incident('INC-1', 'high')],
      '1 open incident(s) at high or worse: INC-1 (high) high thing',
    ],
    [
      'one worse than the threshold',
      [incident('INC-2', 'critical'), incident('INC-3', 'low')],
      '1 open incident(s) at high or worse: INC-2 (critical) critical thing',
    ],
  ])('%s fails, severe', (_what, list, detail) => {
    const r = assess({ phaseIndex: CANARY, obs: healthy({ incidents: { list } }) });
    expect(byName(r, 'incidents')).toEqual({
      name: 'incidents',
      kind: 'incidents',
      verdict: 'fail',
      level: 'severe',
      detail,
    });
    expect(r).toMatchObject({ verdict: 'fail', level: 'severe' });
  });

  test('milder incidents pass, and are counted', () => {
    const r = assess({
      phaseIndex: CANARY,
      obs: healthy({ incidents: { list: [incident('a', 'medium'), incident('b', 'low')] } }),
    });
    expect(byName(r, 'incidents')).toMatchObject({
      verdict: 'pass',
      detail: 'no open incident at high or worse (2 milder open)',
    });
    expect(r.verdict).toBe('pass');
  });

  test.each<[string, Observations['incidents'], string]>([
    ['a provider error', { error: 'ECONNREFUSED' }, 'cannot tell whether incidents are open: ECONNREFUSED'],
    ['not checked', undefined, 'cannot tell whether incidents are open: not checked'],
  ])('%s holds (never a pass)', (_what, incidents, detail) => {
    const obs: Observations = { ...healthy(), incidents };
    const r = assess({ phaseIndex: CANARY, obs });
    expect(byName(r, 'incidents')).toMatchObject({ verdict: 'hold', detail });
    expect(r.verdict).toBe('hold');
  });

  test('a phase that turns the incident check off has no incident criterion', () => {
    const r = assess({
      phaseIndex: FULL,
      record: phaseRecord('full', { approvals: approved('ana', 'bo') }),
      obs: healthy({ incidents: { list: [incident('X', 'critical')] } }),
    });
    expect(byName(r, 'incidents')).toBeUndefined();
    expect(r.verdict).toBe('pass');
  });
});

describe('assessGate: metrics', () => {
  test('a gating metric is a criterion; a metric without an SLO is only reported', () => {
    const r = assess({ phaseIndex: CANARY });
    expect(r.criteria.map((c) => c.name)).toEqual(['minDuration', 'latency', 'incidents', 'approvals']);
    expect(r.reported.map((c) => c.name)).toEqual(['throughput']);
  });

  test('a reported metric with no data does not hold the gate', () => {
    const obs = observations(
      { latency: observation({ value: 120 }), throughput: observation({ error: 'gone' }) },
      { list: [] },
    );
    const r = assess({ phaseIndex: CANARY, obs });
    expect(r.reported[0]).toMatchObject({ name: 'throughput', verdict: 'hold' });
    expect(r.verdict).toBe('pass');
  });

  test('a missing observation of a gating metric holds', () => {
    const r = assess({ phaseIndex: CANARY, obs: observations({}, { list: [] }) });
    expect(byName(r, 'latency')).toMatchObject({ verdict: 'hold', detail: 'not measured' });
    expect(r.verdict).toBe('hold');
  });

  test('the metric window label is the phase sloWindow', () => {
    const r = assess({
      phaseIndex: FULL,
      record: phaseRecord('full', { approvals: approved('ana', 'bo') }),
      obs: observations({ latency: observation({ window: 6 * HOUR }) }),
    });
    expect(byName(r, 'latency')!.detail).toMatch(/ over 6h; /);
    expect(byName(r, 'latency')!.metric!.window.label).toBe('6h');
  });

  test('a traffic-0 phase is judged on the control cohort', () => {
    const r = assess({
      phaseIndex: PRE,
      record: phaseRecord('pre-deploy', {
        checklist: answered({ 'backups-taken': 'done', smoke: 'done' }),
        approvals: approved('ana'),
      }),
      obs: observations({ latency: observation({ cohort: 'control' }) }, { list: [] }),
    });
    expect(phaseCriteria(plan, plan.phases[PRE]!).cohort).toBe('control');
    expect(byName(r, 'latency')!.metric!.cohort).toBe('control');
    expect(r.verdict).toBe('pass');
  });

  test('a comparison metric without an SLO cannot pass in this version', () => {
    const p = buildPlan({ metrics: [metricInput({ name: 'conv', slo: undefined, compare: { better: 'higher' } })] });
    const r = assess({
      plan: p,
      phaseIndex: 1,
      record: phaseRecord('canary'),
      obs: observations({ conv: observation() }),
    });
    expect(r.criteria).toEqual([expect.objectContaining({ name: 'conv', kind: 'metric', verdict: 'hold' })]);
    expect(r.verdict).toBe('hold');
  });
});

describe('assessGate: the gate verdict', () => {
  test('all criteria pass → pass, no level', () => {
    const r = assess({ phaseIndex: CANARY });
    expect(r.criteria.every((c) => c.verdict === 'pass')).toBe(true);
    expect(r.verdict).toBe('pass');
    expect(r.level).toBeUndefined();
  });

  test('a failed criterion fails the gate even while others hold (a breach is never hidden behind a soak)', () => {
    const obs = observations(
      { latency: observation({ points: [{ t: T0 - MIN, v: 900 }] }), throughput: observation() },
      { list: [] },
    );
    const r = assess({ phaseIndex: CANARY, record: phaseRecord('canary', { enteredAt: at(-HOUR) }), obs });
    expect(r.criteria.map((c) => [c.name, c.verdict])).toEqual([
      ['minDuration', 'hold'],
      ['latency', 'fail'],
      ['incidents', 'pass'],
      ['approvals', 'hold'],
    ]);
    expect(r).toMatchObject({ verdict: 'fail', level: 'moderate', eligibleAt: at(47 * HOUR) });
  });

  test('the level is the worst among the failures', () => {
    const p = buildPlan({
      providers,
      metrics: [metricInput({ onBreach: 'light' })],
      advance: { noOpenIncidents: 'critical' },
    });
    const obs = observations(
      { latency: observation({ value: 600 }) },
      { list: [{ id: 'I', severity: 'critical', title: 'down' }] },
    );
    const r = assess({ plan: p, phaseIndex: 1, record: phaseRecord('canary'), obs });
    expect(r.criteria.map((c) => c.level)).toEqual(['light', 'severe']);
    expect(r.level).toBe('severe');
  });

  test('a paused rollout holds even when everything else passes', () => {
    const r = assess({ phaseIndex: CANARY, paused: true });
    expect(r.criteria[0]).toEqual({
      name: 'paused',
      kind: 'paused',
      verdict: 'hold',
      detail: 'the rollout is paused; `rollout resume` lets it advance',
    });
    expect(r.verdict).toBe('hold');
  });

  test('a paused rollout with a breach still fails', () => {
    const obs = observations({ latency: observation({ value: 600 }), throughput: observation() }, { list: [] });
    expect(assess({ phaseIndex: CANARY, paused: true, obs }).verdict).toBe('fail');
  });
});
