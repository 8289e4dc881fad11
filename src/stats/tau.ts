/**
 * Choosing the mixing variance τ² before a phase starts (statistics.md §3.4), and the ρ form used
 * by GrowthBook and PostHog (Waudby-Smith et al. 2023), which is the same CS under τ² = ρ²·n·v.
 */
import { RolloutError } from '../errors.js';
import { halfWidth } from './msprt.js';

function requireAlpha(alpha: number): void {
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha < 1))
    throw new RolloutError('internal', `alpha must be in (0, 1) (got ${alpha})`);
}

function requirePositive(value: number, name: string): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new RolloutError('internal', `${name} must be a finite number > 0 (got ${value})`);
}

/** 2 ln(1/α) + ln(1 + 2 ln(1/α)): 7.936155 at α = 0.05, 11.533741 at 0.01. */
export function tauFactor(alpha: number): number {
  requireAlpha(alpha);
  const l = 2 * Math.log(1 / alpha);
  return l + Math.log1p(l);
}

/** Planned units per cohort at the horizon where the interval should be tightest. */
export interface Horizon {
  canary: number;
  control: number;
}

/** v_plan = p₀(1−p₀)(1/n_T* + 1/n_C*) for a difference of proportions at the planned horizon. */
export function plannedVariance(p: { baselineRate: number; horizon: Horizon }): number {
  const { baselineRate: p0, horizon } = p;
  if (!(p0 > 0 && p0 < 1)) throw new RolloutError('internal', `baseline rate must be in (0, 1) (got ${p0})`);
  requirePositive(horizon.canary, 'horizon.canary');
  requirePositive(horizon.control, 'horizon.control');
  return p0 * (1 - p0) * (1 / horizon.canary + 1 / horizon.control);
}

/** τ² = v_plan · tauFactor(α): approximately minimises h at the planned horizon (§3.4). */
export function plannedTau2(p: { baselineRate: number; horizon: Horizon; alpha: number }): number {
  return plannedVariance(p) * tauFactor(p.alpha);
}

/** One-sample τ² = tauFactor(α)·p₀(1−p₀)/n for a rate judged against the limit p₀ (T7). */
export function oneSampleTau2(p: { limit: number; n: number; alpha: number }): number {
  if (!(p.limit > 0 && p.limit < 1)) throw new RolloutError('internal', `limit must be in (0, 1) (got ${p.limit})`);
  requirePositive(p.n, 'n');
  return (tauFactor(p.alpha) * p.limit * (1 - p.limit)) / p.n;
}

/** ρ = √((−2 ln α + ln(1 − 2 ln α))/N*), the ρ rule for a planned total sample size N*. */
export function rhoForHorizon(p: { alpha: number; total: number }): number {
  requirePositive(p.total, 'total');
  return Math.sqrt(tauFactor(p.alpha) / p.total);
}

/** The τ² that the ρ form implies at n units (n = n_T + n_C) and estimator variance v: ρ²·n·v. */
export function tau2FromRho(p: { rho: number; n: number; variance: number }): number {
  return p.rho * p.rho * p.n * p.variance;
}

/** Inputs of the ρ form: per-unit variance s² = n·v over n units, and the estimate θ̂. */
export interface RhoInputs {
  rho: number;
  n: number;
  variance: number;
  estimate: number;
  alpha: number;
}

/** Half-width in the ρ form: s·√(2(nρ²+1)·ln(√(nρ²+1)/α)/(nρ)²), with s² = n·v. */
export function rhoHalfWidth(p: Omit<RhoInputs, 'estimate'>): number {
  const s = Math.sqrt(p.n * p.variance);
  const a = p.n * p.rho * p.rho + 1;
  return s * Math.sqrt((2 * a * Math.log(Math.sqrt(a) / p.alpha)) / (p.n * p.rho) ** 2);
}

/**
 * ln of the ρ-form e-value exp(ρ²t²/(2(nρ²+1)))/√(nρ²+1), where t² = (nθ̂)²/s² is the squared
 * sum statistic over the per-unit variance (= nθ̂²/v).
 */
export function rhoLogEValue(p: Omit<RhoInputs, 'alpha'>): number {
  const a = p.n * p.rho * p.rho + 1;
  const t2 = (p.n * p.estimate * p.estimate) / p.variance;
  return (p.rho * p.rho * t2) / (2 * a) - 0.5 * Math.log(a);
}

/**
 * The τ² that minimises h at a given v (golden-section search on ln τ²), to show how close the
 * §3.4 rule comes to the optimum (T5 "τ rule": 8.47e-6 against the rule's 8.19e-6).
 */
export function minimiseHalfWidth(p: { variance: number; alpha: number }): { tau2: number; halfWidth: number } {
  requirePositive(p.variance, 'variance');
  const h = (lnTau2: number) => halfWidth({ variance: p.variance, tau2: Math.exp(lnTau2), alpha: p.alpha });
  let lo = Math.log(p.variance) - 10;
  let hi = Math.log(p.variance) + 15;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (h(a) < h(b)) hi = b;
    else lo = a;
  }
  const best = (lo + hi) / 2;
  return { tau2: Math.exp(best), halfWidth: h(best) };
}
