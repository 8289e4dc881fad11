/** checkClock: the clock only goes forward through a rollout, and keeps its source. Pure. */
import { describe, expect, test } from '@jest/globals';
import { checkClock } from '../../src/engine/clock-guard.js';

const last = { at: '2026-06-18T09:00:00.000Z', clock: 'ROLLOUT_NOW' as const };
const t = (iso: string) => Date.parse(iso);

describe('checkClock', () => {
  test.each([
    ['the same time', '2026-06-18T09:00:00.000Z'],
    ['later', '2026-06-20T09:30:00.000Z'],
  ])('%s on the same clock is fine', (_label, now) => {
    expect(checkClock({ now: t(now), simulated: true, last })).toBeUndefined();
  });

  test('no event yet: any clock', () => {
    expect(checkClock({ now: 0, simulated: false, last: undefined })).toBeUndefined();
  });

  test.each([
    ['a millisecond', '2026-06-18T08:59:59.999Z'],
    ['two days', '2026-06-16T09:00:00.000Z'],
  ])('earlier by %s runs backwards, naming both times', (_label, now) => {
    const j = checkClock({ now: t(now), simulated: true, last })!;
    expect(j).toMatchObject({ kind: 'backwards', from: last, to: { at: now, clock: 'ROLLOUT_NOW' } });
    expect(j.message).toContain(now);
    expect(j.message).toContain(last.at);
  });

  test.each([
    ['ROLLOUT_NOW, then the system clock', last, false],
    ['the system clock, then ROLLOUT_NOW', { ...last, clock: 'system' as const }, true],
  ])('%s is a switch, even later', (_label, previous, simulated) => {
    const j = checkClock({ now: t('2026-12-04T11:40:00.000Z'), simulated, last: previous })!;
    expect(j.kind).toBe('switch');
    expect(j.message).toMatch(/169d/);
  });
});
