// statistics.md §7 T5: mSPRT, always-valid p and confidence sequence, with the extra looks,
// the equal-n Johari form, the ρ form, the τ rule and zero events.
import { describe, expect, it } from '@jest/globals';
import { normalQuantile, twoSidedNormalP } from '../../src/stats/distributions.js';
import { differenceOfProportions } from '../../src/stats/difference.js';
import {
  alwaysValidPValue,
  confidenceSequence,
  halfWidth,
  johariLogLikelihoodRatio,
  logLikelihoodRatio,
  runningMinimum,
} from '../../src/stats/msprt.js';
import {
  minimiseHalfWidth,
  plannedTau2,
  plannedVariance,
  rhoForHorizon,
  rhoHalfWidth,
  rhoLogEValue,
  tau2FromRho,
  tauFactor,
} from '../../src/stats/tau.js';
import { expectDigits } from './digits.js';

const c = (events: number, total: number) => ({ events, total });
const alpha = 0.05;

describe('T5 mSPRT and CS (unpooled v, α = 0.05)', () => {
  it.each([
    [
      c(1900, 95000),
      c(80, 5000),
      '−0.004',
      '3.355115789e-6',
      1e-5,
      '1.094690448',
      '0.334643',
      '−0.0097477266',
      '0.0017477266',
    ],
    [
      c(475, 95000),
      c(40, 5000),
      '0.003',
      '1.639568421e-6',
      1e-5,
      '1.378023778',
      '0.252076',
      '−0.00089543673',
      '0.0068954367',
    ],
    [
      c(375, 75000),
      c(160, 25000),
      '0.0014',
      '3.206949333e-7',
      4e-6,
      '1.528707705',
      '0.216816',
      '−0.00032521678',
      '0.0031252168',
    ],
  ] as const)('%j vs %j', (control, canary, theta, v, tau2, lnL, p, low, high) => {
    const d = differenceOfProportions(canary, control);
    expectDigits(d.estimate, theta);
    expect(d.estimate).toBeCloseTo(Number(theta.replace('−', '-')), 15);
    expectDigits(d.variance, v);
    expectDigits(logLikelihoodRatio({ ...d, tau2 }), lnL);
    expectDigits(alwaysValidPValue({ ...d, tau2 }), p);
    const [lo, hi] = confidenceSequence({ ...d, tau2, alpha });
    expectDigits(lo, low);
    expectDigits(hi, high);
    // the ends are where Λ(θ₀) = 1/α
    expect(logLikelihoodRatio({ ...d, tau2, theta0: lo })).toBeCloseTo(Math.log(1 / alpha), 9);
    expect(logLikelihoodRatio({ ...d, tau2, theta0: hi })).toBeCloseTo(Math.log(1 / alpha), 9);
  });

  it('row 4: θ̂ = 0 gives p = 1 and ±0.0031583758', () => {
    const d = differenceOfProportions(c(500, 25000), c(1500, 75000));
    expect(d.estimate).toBe(0);
    expectDigits(d.variance, '1.045333333e-6');
    expectDigits(logLikelihoodRatio({ ...d, tau2: 4e-6 }), '−0.7870639549');
    expect(alwaysValidPValue({ ...d, tau2: 4e-6 })).toBe(1);
    expectDigits(halfWidth({ variance: d.variance, tau2: 4e-6, alpha }), '0.0031583758');
  });

  it('row 2 against the fixed-horizon test: z ≈ 2.34 (p ≈ 0.019) but the always-valid p is 0.25', () => {
    const d = differenceOfProportions(c(40, 5000), c(475, 95000));
    const z = d.estimate / Math.sqrt(d.variance);
    expectDigits(z, '2.34');
    expectDigits(twoSidedNormalP(z), '0.019');
    expect(alwaysValidPValue({ ...d, tau2: 1e-5 })).toBeGreaterThan(0.25);
  });

  it('looks with τ² = 1e-5: ln Λ, p, the CS at the third look, and the running minimum', () => {
    const looks = [
      [c(190, 9500), c(6, 500), '0.18310876', '0.832678'],
      [c(760, 38000), c(26, 2000), '1.641112', '0.193764'],
      [c(1520, 76000), c(55, 4000), '3.2630206', '0.0382726'],
      [c(1900, 95000), c(80, 5000), undefined, '0.334643'],
    ] as const;
    let running: number | undefined;
    const minima: number[] = [];
    for (const [control, canary, lnL, p] of looks) {
      const d = differenceOfProportions(canary, control);
      if (lnL) expectDigits(logLikelihoodRatio({ ...d, tau2: 1e-5 }), lnL);
      const pv = alwaysValidPValue({ ...d, tau2: 1e-5 });
      expectDigits(pv, p);
      running = runningMinimum(running, pv);
      minima.push(running);
    }
    expectDigits(minima[3], '0.0382726');
    expect(minima).toEqual([...minima].sort((a, b) => b - a));
    const third = differenceOfProportions(c(55, 4000), c(1520, 76000));
    const [lo, hi] = confidenceSequence({ ...third, tau2: 1e-5, alpha });
    expectDigits(lo, '−0.0122833');
    expectDigits(hi, '−0.00021669');
  });

  it('equal-n Johari form: n = 10000, 200 vs 150, τ² = 1e-5 → V = 0.034375, ln Λ = 2.024478657', () => {
    const V = 0.02 * 0.98 + 0.015 * 0.985;
    expectDigits(V, '0.034375');
    const johari = johariLogLikelihoodRatio({ n: 10000, V, tau2: 1e-5, estimate: -0.005 });
    expectDigits(johari, '2.024478657');
    const d = differenceOfProportions(c(150, 10000), c(200, 10000));
    expectDigits(logLikelihoodRatio({ ...d, tau2: 1e-5 }), '2.024478657');
  });

  it('ρ form: α = 0.05, N* = 100000 → ρ = 0.008908509753; on row 2 the same CS and p as τ² = 1.301186847e-5', () => {
    const rho = rhoForHorizon({ alpha, total: 100000 });
    expectDigits(rho, '0.008908509753');
    const d = differenceOfProportions(c(40, 5000), c(475, 95000));
    const tau2 = tau2FromRho({ rho, n: 100000, variance: d.variance });
    expectDigits(tau2, '1.301186847e-5');
    const hTau = halfWidth({ variance: d.variance, tau2, alpha });
    const hRho = rhoHalfWidth({ rho, n: 100000, variance: d.variance, alpha });
    expectDigits(hTau, '0.003886452574');
    expectDigits(hRho, '0.003886452574');
    expectDigits(alwaysValidPValue({ ...d, tau2 }), '0.261209');
    expectDigits(Math.exp(-rhoLogEValue({ rho, n: 100000, variance: d.variance, estimate: d.estimate })), '0.261209');
  });

  it('τ rule: p₀ = 0.02, n_T* = 20000, n_C* = 380000 → v_plan, τ², the optimum and the cost against a fixed CI', () => {
    expectDigits(tauFactor(0.05), '7.936155');
    expectDigits(tauFactor(0.01), '11.533741');
    const plan = { baselineRate: 0.02, horizon: { canary: 20000, control: 380000 }, alpha };
    const vPlan = plannedVariance(plan);
    expectDigits(vPlan, '1.031578947e-6');
    expectDigits(plannedTau2(plan), '8.18677001e-6');
    const best = minimiseHalfWidth({ variance: vPlan, alpha });
    expectDigits(best.tau2, '8.47e-6');
    expectDigits(best.halfWidth, '0.003082673');
    expectDigits(normalQuantile(0.975) * Math.sqrt(vPlan), '0.001990670');
    // the rule's τ² is within a hair of the optimum
    expect(halfWidth({ variance: vPlan, tau2: plannedTau2(plan), alpha }) / best.halfWidth).toBeLessThan(1.0001);
  });

  it('zero events: 0/190000 vs 0/10000 uses Laplace in v only → v = 1.002470119e-8, h = 3.27672121e-4', () => {
    const d = differenceOfProportions(c(0, 10000), c(0, 190000));
    expect(d.estimate).toBe(0);
    expect(d.canary.laplace && d.control.laplace).toBe(true);
    expectDigits(d.variance, '1.002470119e-8');
    expectDigits(halfWidth({ variance: d.variance, tau2: 1e-6, alpha }), '3.27672121e-4');
  });
});
