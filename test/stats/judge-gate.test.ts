// The §8 gate as a pure function: statistics.md T5 looks, T6 and T7 through the gate, α split,
// sticky FAIL, SRM, relative margins, zero events, "needed".
import { describe, expect, it } from '@jest/globals';
import type { GateMemory } from '../../src/stats/gate-types.js';
import { judgeGate } from '../../src/stats/judge-gate.js';
import { sequentialSampleSize } from '../../src/stats/sample-size.js';
import { parseMargin } from '../../src/stats/types.js';
import { expectDigits } from './digits.js';
import { counts, exceedanceAt, gate, ratio, slo, t6Canary } from './gate-builders.js';

describe('judgeGate: T5 looks on a conversion metric (single metric, α = 0.05, δ_f = 0)', () => {
  const looks = [
    [counts(6, 500), counts(190, 9500)],
    [counts(26, 2000), counts(760, 38000)],
    [counts(55, 4000), counts(1520, 76000)],
    [counts(80, 5000), counts(1900, 95000)],
  ] as const;

  it('holds, holds, FAILs at the third look, and stays FAIL at the fourth (sticky)', () => {
    let memory: GateMemory | undefined;
    const seen: [string, string | undefined][] = [];
    for (const [canary, control] of looks) {
      const r = judgeGate(gate({ comparisons: [ratio({ canary, control })], memory }));
      seen.push([r.verdict, r.comparisons[0]?.status]);
      memory = r.memory;
      if (seen.length === 3) {
        const c = r.comparisons[0];
        expectDigits(c?.interval?.[0], '−0.0122833');
        expectDigits(c?.interval?.[1], '−0.00021669');
        expectDigits(c?.pValue, '0.0382726');
        expect(c?.reasons[0]).toMatch(/harm is at least 0\.0002167 .*above the fail threshold 0/);
      }
    }
    expect(seen).toEqual([
      ['hold', 'inconclusive'],
      ['hold', 'inconclusive'],
      ['fail', 'fail'],
      ['fail', 'fail'],
    ]);
    expect(memory?.comparisons.conversion?.failed).toBe(true);
    expectDigits(memory?.comparisons.conversion?.minPValue, '0.0382726');
  });

  it('the fourth look alone (no memory) is inconclusive, with p = 0.334643', () => {
    const r = judgeGate(gate({ comparisons: [ratio({ canary: counts(80, 5000), control: counts(1900, 95000) })] }));
    expect(r.verdict).toBe('hold');
    expect(r.comparisons[0]?.status).toBe('inconclusive');
    expectDigits(r.comparisons[0]?.pValue, '0.334643');
    expect(r.comparisons[0]?.needed?.canary).toBeGreaterThan(0);
  });

  it('reports the fixed-horizon z beside it, labelled not valid under repeated looks', () => {
    const c = judgeGate(gate()).comparisons[0];
    expectDigits(c?.fixedHorizon?.z, '−1.978868120');
    expect(c?.fixedHorizon?.validUnderRepeatedLooks).toBe(false);
  });
});

describe('judgeGate: α split across comparisons', () => {
  it('uses α/m for FAIL and α for PASS', () => {
    const r = judgeGate(
      gate({ comparisons: [ratio({ canary: counts(55, 4000), control: counts(1520, 76000) }), slo()] }),
    );
    expect(r.alpha).toEqual({ fail: 0.025, pass: 0.05, comparisons: 2 });
    const c = r.comparisons[0];
    expect(c?.intervals?.fail.alpha).toBe(0.025);
    const [fl = 0, fh = 0] = c?.intervals?.fail.interval ?? [];
    const [pl = 0, ph = 0] = c?.intervals?.pass.interval ?? [];
    expect(fh - fl).toBeGreaterThan(ph - pl);
    // at α/2 the third look is no longer enough to FAIL: the harm's lower bound is below 0
    expect(fh).toBeGreaterThan(0);
    expect(c?.status).toBe('inconclusive');
  });
});

describe('judgeGate: T6 and T7 through the gate', () => {
  it('T7 error-rate checks: PASS at 30/10000, FAIL at 80/10000', () => {
    expect(judgeGate(gate({ comparisons: [slo()] })).verdict).toBe('pass');
    const bad = judgeGate(gate({ comparisons: [slo({ canary: counts(80, 10000) })] }));
    expect(bad.verdict).toBe('fail');
    expectDigits(bad.comparisons[0]?.interval?.[0], '0.0052770715');
  });

  it('T7 "p95 < 500 ms" from the canary histogram: INCONCLUSIVE, with the T7 interval', () => {
    const r = judgeGate(
      gate({
        comparisons: [
          slo({
            name: 'p95<500',
            limit: { below: 0.05 },
            canary: { buckets: t6Canary, threshold: 500 },
            tau: { horizon: 5000 },
          }),
        ],
      }),
    );
    const c = r.comparisons[0];
    expect(c?.status).toBe('inconclusive');
    expectDigits(c?.tau2, '7.539346872e-5');
    expectDigits(c?.interval?.[0], '0.049795206');
    expectDigits(c?.interval?.[1], '0.070204794');
    expect(c?.needed?.text).toMatch(/need about \d+ more canary samples/);
  });

  it('T6 exceedance at 500 ms FAILs (CS [0.032986461, 0.055434591] above 0)', () => {
    const c = judgeGate(gate({ comparisons: [exceedanceAt(500)] })).comparisons[0];
    expect(c?.status).toBe('fail');
    expectDigits(c?.interval?.[0], '0.032986461');
    expect(c?.approximations).toEqual([]);
  });

  it('a threshold between boundaries uses the largest boundary below and says so', () => {
    const c = judgeGate(gate({ comparisons: [exceedanceAt(400)] })).comparisons[0];
    expectDigits(c?.estimate, '0.034736842');
    expect(c?.approximations.join(' ')).toMatch(/400 is not a bucket boundary: counted slow above 250/);
  });
});

describe('judgeGate: margins, zero events, minSamples, needed', () => {
  it('converts a relative pass margin with the control rate and flags the approximation', () => {
    const passMargin = parseMargin('10%');
    if (!passMargin) throw new Error('parseMargin');
    const c = judgeGate(gate({ comparisons: [ratio({ passMargin })] })).comparisons[0];
    expectDigits(c?.thresholds.pass, '0.002');
    expect(c?.approximations.join(' ')).toMatch(
      /passMargin 10% of the control's rate 0\.02 taken as 0\.002 \(an approximation/,
    );
  });

  it('zero errors in both cohorts can still PASS (Laplace variance)', () => {
    const comparisons = [
      ratio({
        name: 'errors',
        better: 'lower',
        canary: counts(0, 10000),
        control: counts(0, 190000),
        tau: { tau2: 1e-6 },
      }),
    ];
    const r = judgeGate(gate({ comparisons }));
    expect(r.verdict).toBe('pass');
    expectDigits(r.comparisons[0]?.interval?.[1], '3.27672121e-4');
  });

  it('below minSamples is INCONCLUSIVE, however clear the data', () => {
    const r = judgeGate(gate({ comparisons: [ratio({ canary: counts(0, 99), control: counts(1900, 95000) })] }));
    expect(r.comparisons[0]?.status).toBe('inconclusive');
    expect(r.comparisons[0]?.reasons[0]).toBe(
      'insufficient data: 99 canary and 95000 control samples, at least 100 each needed',
    );
  });

  it('needed follows the §6 last-look rule at the pass margin and the current rate', () => {
    const comparisons = [
      ratio({
        canary: counts(200, 10000),
        control: counts(600, 30000),
        passMargin: { kind: 'absolute', value: 0.002 },
      }),
    ];
    const r = judgeGate(gate({ comparisons, canaryShare: 0.25, elapsedHours: 8 }));
    const expected = sequentialSampleSize({
      canaryRate: 0.018,
      controlRate: 0.02,
      ratio: 3,
      distance: 0.002,
      tau2: 1e-5,
      alpha: 0.05,
      power: 0.8,
    });
    const n = r.comparisons[0]?.needed;
    const more = Math.ceil(expected ?? 0) - 10000;
    expect(n?.canary).toBe(more);
    expect(n?.control).toBe(Math.ceil(expected ?? 0) * 3 - 30000);
    expect(n?.hours).toBeCloseTo(more / 1250, 9);
    expect(n?.events).toBeCloseTo(more * 0.02, 9);
    expect(n?.text).toBe(
      `need about ${more} more canary samples and ${n?.control} more control samples (about ${Math.round(more * 0.02)} more events), about ${Number((more / 1250).toPrecision(4))} h at the current rate, to resolve the pass margin 0.002 with 80% power`,
    );
  });
});

describe('judgeGate: SRM', () => {
  const passing = [slo()];
  it('an SRM holds a gate that would pass; the chi-square p is reported beside it', () => {
    const r = judgeGate(gate({ comparisons: passing, exposure: { canary: 5400, control: 94600 } }));
    expect(r.verdict).toBe('hold');
    expect(r.holdReasons).toEqual(['srm']);
    expectDigits(r.srm.pValue, '1.079114339e-6');
    expectDigits(r.srm.chiSquare?.pValue, '6.482473102e-9');
  });

  it('no SRM: passes; the SRM minimum p is remembered and an earlier SRM keeps holding', () => {
    const ok = judgeGate(gate({ comparisons: passing, exposure: { canary: 4850, control: 95150 } }));
    expect(ok.verdict).toBe('pass');
    expectDigits(ok.memory.srm.minPValue, '0.3730954993');
    const after = judgeGate(
      gate({
        comparisons: passing,
        exposure: { canary: 4850, control: 95150 },
        memory: { comparisons: {}, srm: { minPValue: 1e-6 } },
      }),
    );
    expect(after.srm.status).toBe('mismatch');
    expect(after.verdict).toBe('hold');
  });

  it.each([
    [{ canary: Number.NaN, control: 95000 }, 'no-data'],
    [{ canary: -1, control: 95000 }, 'invalid'],
    [{ canary: 0, control: 0 }, 'no-data'],
  ])('exposure %j cannot pass (%s)', (exposure, status) => {
    const r = judgeGate(gate({ comparisons: passing, exposure }));
    expect(r.srm.status).toBe(status);
    expect(r.verdict).toBe('hold');
  });

  it('a FAIL wins over an SRM', () => {
    const r = judgeGate(
      gate({ comparisons: [slo({ canary: counts(80, 10000) })], exposure: { canary: 5400, control: 94600 } }),
    );
    expect(r.verdict).toBe('fail');
  });
});
