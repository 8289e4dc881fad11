/** The documents of a finished rollout: release notes draft and lessons learned prefilled with facts. */
import { describe, expect, test } from '@jest/globals';
import { renderLessonsLearned, renderReleaseNotes } from '../../src/reports/closing.js';
import { plannedSchedule } from '../../src/reports/executive.js';
import type { JournalEntry, RolloutState } from '../../src/state/types.js';
import { at, buildPlan, journalEntry, metricInput, phaseInput, phaseRecord } from '../helpers/builders.js';

const DAY = 86_400_000;
const plan = buildPlan({
  metrics: [metricInput({ name: 'latency', query: 'lat', unit: 'ms', slo: { below: 500 } })],
  phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { minDuration: '48h' }), phaseInput('full', 100)],
  rollback: [
    { component: 'svc', procedure: 'flag off', action: 'flag', estimate: '2m' },
    { component: 'api', procedure: 'redeploy', run: 'true', estimate: '5m-10m' },
  ],
});
const state: RolloutState = {
  version: 1,
  plan: plan.name,
  status: 'rolled-back',
  phaseIndex: 1,
  phase: 'canary',
  traffic: 0,
  phases: {
    'pre-deploy': phaseRecord('pre-deploy', { enteredAt: at(-6 * DAY), leftAt: at(-5 * DAY) }),
    canary: phaseRecord('canary', { enteredAt: at(-4 * DAY) }),
  },
  startedAt: at(-6 * DAY),
  updatedAt: at(),
  rolledBackAt: at(),
  rollback: {
    startedAt: at(-60_000),
    reason: 'latency',
    phase: 'canary',
    steps: [
      { index: 0, component: 'svc', kind: 'flag', status: 'done', at: at(), detail: 'flag off', durationMs: 1_500 },
      { index: 1, component: 'api', kind: 'run', status: 'done', at: at(), detail: 'exit 0', durationMs: 700_000 },
    ],
  },
};
const journal: JournalEntry[] = [
  journalEntry({
    type: 'gate.evaluated',
    phase: 'canary',
    at: at(-2 * DAY),
    data: { decision: 'held', reasons: ['minDuration: 2d of 48h'], criteria: [] },
  }),
  journalEntry({
    type: 'gate.evaluated',
    phase: 'canary',
    at: at(-60_000),
    data: {
      decision: 'rolled-back',
      reasons: ['latency: 900 ms breaks the SLO'],
      criteria: [{ name: 'incidents', kind: 'incidents', verdict: 'fail', detail: 'INC-7 critical open' }],
    },
  }),
  journalEntry({ type: 'rollout.rolled-back', phase: 'canary', at: at(), data: { reason: 'latency' } }),
];

describe('lessons learned', () => {
  const md = renderLessonsLearned({ plan, state, journal, now: at() });
  test('holds and failures with their reasons, incidents, contingencies', () => {
    expect(md).toMatch(/\| canary \| held \| minDuration: 2d of 48h \|/);
    expect(md).toMatch(/\| canary \| rolled-back \| latency: 900 ms breaks the SLO \|/);
    expect(md).toMatch(/\| canary \| fail \| INC-7 critical open \|/);
    expect(md).toMatch(/### Contingencies[\s\S]*\| canary \| rolled-back \| latency \|/);
  });
  test('each rollback step against its estimate', () => {
    expect(md).toContain('| svc | done | 1.5 s | 2m | yes |');
    expect(md).toContain('| api | done | 700 s | 5m-10m | no |');
  });
  test('durations against the schedule: canary planned when traffic began, late by nothing', () => {
    expect(md).toMatch(/\| canary \| [^|]+ \| [^|]+ \| - \| 4d \| - \|/);
    expect(md).toContain('## What went well');
  });
});

describe('release notes', () => {
  test('a rolled-back rollout is not announced as available', () => {
    const md = renderReleaseNotes({ plan, state, journal, now: at() });
    expect(md).toContain('Not released: the rollout is rolled back.');
    expect(md).not.toContain('Available to every user');
  });
  test('a completed one says since when, in pt-BR when the plan asks', () => {
    const pt = { ...plan, reports: { ...plan.reports, language: 'pt-BR' as const } };
    const md = renderReleaseNotes({
      plan: pt,
      state: { ...state, status: 'completed', completedAt: at() },
      journal,
      now: at(),
    });
    expect(md).toContain('# Notas de release (rascunho)');
    expect(md).toMatch(/Disponível para todos os usuários desde \d+ de \w+\.? de \d{4}, \d\d:\d\d UTC/);
  });
});

describe('planned schedule', () => {
  test('starts at the first phase with traffic; each later phase after the soak of the ones before', () => {
    const rows = plannedSchedule(plan, state);
    expect(rows.map((r) => r.plannedStart)).toEqual([at(-6 * DAY), at(-4 * DAY), at(-2 * DAY)]);
    expect(rows[1]!.lateMs).toBe(0);
  });
});
