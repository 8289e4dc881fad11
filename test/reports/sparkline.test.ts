/** The sparkline and the countdown, pure: missing data looks missing, the SLO is marked, breaches are counted. */
import { describe, expect, it } from '@jest/globals';
import { BARS, GAP, sparkline } from '../../src/reports/sparkline.js';
import { countdown } from '../../src/reports/countdown.js';
import type { Criterion, GateResult } from '../../src/gates/types.js';

const H = 3_600_000;
const pts = (vs: (number | undefined)[]) => vs.flatMap((v, i) => (v === undefined ? [] : [{ t: i * H + 1, v }]));

describe('sparkline', () => {
  it('draws each slot at its worst value, lowest ▁ and highest █', () => {
    const s = sparkline({ points: pts([1, 2, 3, 4, 5, 6, 7, 8]), from: 0, to: 8 * H, slots: 8 });
    expect(s.glyphs.join('')).toBe(BARS.join(''));
    expect(s).toMatchObject({ gaps: 0, breaches: 0, sloMark: '' });
  });

  it('a slot with no point, or only NaN/Infinity, is a gap: never drawn as 0 or the lowest bar', () => {
    const points = [...pts([5, undefined, 5, 5]), { t: 1 * H + 5, v: Number.NaN }, { t: 3 * H + 5, v: Infinity }];
    const s = sparkline({ points, from: 0, to: 4 * H, slots: 4 });
    expect(s.glyphs[1]).toBe(GAP);
    expect(s.glyphs.filter((g) => g !== GAP)).toHaveLength(3);
    expect(s.gaps).toBe(1);
    const none = sparkline({ points: [], from: 0, to: 4 * H, slots: 4, slo: { below: 10 } });
    expect(none.glyphs.join('')).toBe(GAP.repeat(4));
    expect(none.breaches).toBe(0);
  });

  it('marks the SLO on the same scale and counts the slots that break it (upper bound: the highest point is the worst)', () => {
    const points = [...pts([100, 200, 300, 900]), { t: 1, v: 600 }];
    const s = sparkline({ points, from: 0, to: 4 * H, slots: 4, slo: { below: 500 }, unit: 'ms' });
    expect(s.breach).toEqual([true, false, false, true]); // slot 0's worst is 600, not 100
    expect(s.breaches).toBe(2);
    expect(s.sloMark).toMatch(/^SLO < 500 ms at [▁▂▃▄▅▆▇█]$/);
    expect(s.glyphs[3]).toBe('█');
  });

  it('a lower bound (above): the lowest point of a slot is its worst', () => {
    const points = [...pts([0.99, 0.99]), { t: 2, v: 0.5 }];
    const s = sparkline({ points, from: 0, to: 2 * H, slots: 2, slo: { above: 0.9 } });
    expect(s.breach).toEqual([true, false]);
    expect(s.glyphs[0]).toBe('▁');
  });
});

describe('countdown', () => {
  const crit = (c: Partial<Criterion>): Criterion => ({ name: 'x', kind: 'metric', verdict: 'pass', detail: '', ...c });
  const gate = (criteria: Criterion[], verdict: GateResult['verdict'], eligibleAt?: string): GateResult => ({
    verdict,
    criteria,
    reported: [],
    eligibleAt,
  });
  const now = Date.parse('2026-06-18T09:00:00Z');

  it('says how long until the last time-based criterion passes, and which', () => {
    const at = '2026-06-18T12:12:00.000Z';
    const g = gate([crit({ name: 'minDuration', kind: 'minDuration', verdict: 'hold', eligibleAt: at })], 'hold', at);
    expect(countdown(g, now).text).toBe('eligible in 3h 12m (soak)');
    expect(countdown(g, now).remainingMs).toBe(3 * H + 12 * 60_000);
  });

  it('names what else holds, and what holds when time is not it', () => {
    const at = '2026-06-18T10:00:00.000Z';
    const soak = crit({ name: 'minDuration', kind: 'minDuration', verdict: 'hold', eligibleAt: at });
    const appr = crit({ name: 'approvals', kind: 'approvals', verdict: 'hold' });
    expect(countdown(gate([soak, appr], 'hold', at), now).text).toBe(
      'eligible in 1h (soak); also waiting for approvals',
    );
    expect(countdown(gate([appr], 'hold'), now).text).toBe('held: waiting for approvals');
    expect(countdown(gate([], 'pass'), now).text).toBe('eligible now');
    expect(countdown(gate([crit({ name: 'latency', verdict: 'fail' })], 'fail'), now).text).toBe(
      'gate failed: latency',
    );
  });
});
