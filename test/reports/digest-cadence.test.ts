/** Stakeholder cadence and level from the plan's words, and the periods a digest is due for. Pure. */
import { describe, expect, test } from '@jest/globals';
import { cadenceOf, duePeriods, isoWeek, levelOf } from '../../src/reports/digest-cadence.js';
import type { RolloutState } from '../../src/state/types.js';

const s = (frequency: string | undefined, extra: Record<string, string> = {}) =>
  ({ audience: 'a', frequency, ...extra }) as never;

describe('cadence from frequency', () => {
  test.each([
    ['daily', 'daily'],
    ['Diário', 'daily'],
    ['diario', 'daily'],
    ['Semanal', 'weekly'],
    ['Weekly meeting', 'weekly'],
    ['after each phase', 'after-each-phase'],
    ['Pós-cada fase', 'after-each-phase'],
    ['after rollout', 'after-the-rollout'],
    ['after the rollout', 'after-the-rollout'],
    ['Pós-implementação', 'after-the-rollout'],
    ['each change', 'each-change'],
    ['a cada mudança', 'each-change'],
    ['whenever', undefined],
    [undefined, undefined],
  ])('%s → %s', (frequency, cadence) => {
    expect(cadenceOf(s(frequency))).toBe(cadence);
  });

  test('cadence: and level: win over frequency', () => {
    const st = s('daily', { cadence: 'weekly', level: 'executive' });
    expect(cadenceOf(st)).toBe('weekly');
    expect(levelOf(st, 'weekly')).toBe('executive');
    expect(levelOf(s('Diário'), 'daily')).toBe('technical');
    expect(levelOf(s('x'), 'after-the-rollout')).toBe('customer');
  });
});

describe('due periods', () => {
  const state = {
    status: 'in-progress',
    startedAt: '2026-06-18T09:00:00.000Z',
    phases: {
      'pre-deploy': { name: 'pre-deploy', enteredAt: '2026-06-18T09:00:00.000Z', leftAt: '2026-06-18T09:00:00.000Z' },
      'canary-5': { name: 'canary-5', enteredAt: '2026-06-18T09:00:00.000Z' },
    },
  } as unknown as RolloutState;
  const at = (iso: string) => Date.parse(iso);

  test('a daily digest has one key per UTC day, the same all day', () => {
    const k = (iso: string) => duePeriods({ cadence: 'daily', state, journal: [], now: at(iso), lastSeq: 0 })[0]!.key;
    expect(k('2026-06-18T00:00:00Z')).toBe('daily:2026-06-18');
    expect(k('2026-06-18T23:59:59Z')).toBe('daily:2026-06-18');
    expect(k('2026-06-19T00:00:00Z')).toBe('daily:2026-06-19');
  });

  test('ISO weeks (Monday start; the week of 1 Jan may belong to the year before)', () => {
    expect(isoWeek(at('2026-06-18T12:00:00Z')).key).toBe('2026-W25');
    expect(isoWeek(at('2026-06-22T00:00:00Z')).key).toBe('2026-W26');
    expect(isoWeek(at('2027-01-01T00:00:00Z')).key).toBe('2026-W53');
  });

  test('nothing is due before the rollout starts; per phase: one per phase left', () => {
    const none = { ...state, status: 'not-started' } as RolloutState;
    expect(
      duePeriods({ cadence: 'daily', state: none, journal: [], now: at('2026-06-18T10:00:00Z'), lastSeq: 0 }),
    ).toEqual([]);
    const p = duePeriods({
      cadence: 'after-each-phase',
      state,
      journal: [],
      now: at('2026-06-18T10:00:00Z'),
      lastSeq: 0,
    });
    expect(p.map((x) => x.phase)).toEqual(['pre-deploy']);
    expect(
      duePeriods({ cadence: 'after-the-rollout', state, journal: [], now: at('2026-06-18T10:00:00Z'), lastSeq: 0 }),
    ).toEqual([]);
  });
});
