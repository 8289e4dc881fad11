/**
 * The normal-mixture mSPRT (statistics.md §3.2–§3.3): θ̂ ~ N(θ, v) mixed over θ ~ N(θ₀, τ²).
 * Λ depends only on the current cumulative counts, so a decision taken at any look from
 * Λ ≥ 1/α (or from the confidence sequence) is valid without any history (Ville's inequality).
 */
import { RolloutError } from '../errors.js';
import type { Interval } from './types.js';

/** An estimate with its (plug-in) variance: θ̂ and v. */
export interface Evidence {
  estimate: number;
  variance: number;
}

function requirePositive(value: number, name: string): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new RolloutError('internal', `${name} must be a finite number > 0 (got ${value})`);
}

function requireAlpha(alpha: number): void {
  if (!(Number.isFinite(alpha) && alpha > 0 && alpha < 1))
    throw new RolloutError('internal', `alpha must be in (0, 1) (got ${alpha})`);
}

/**
 * ln Λ(θ₀) = ½·ln(v/(v+τ²)) + τ²(θ̂−θ₀)²/(2v(v+τ²)). Finite for finite θ̂ and v, τ² > 0
 * (throws an internal error otherwise: callers validate data first).
 */
export function logLikelihoodRatio(e: Evidence & { tau2: number; theta0?: number }): number {
  requirePositive(e.variance, 'variance');
  requirePositive(e.tau2, 'tau2');
  const { variance: v, tau2 } = e;
  const d = e.estimate - (e.theta0 ?? 0);
  return -0.5 * Math.log1p(tau2 / v) + (tau2 * d * d) / (2 * v * (v + tau2));
}

/** Turns ln Λ into an always-valid p-value: p = min(1, 1/Λ), in [0, 1] (0 once 1/Λ underflows). */
export function pValueFromLogLambda(logLambda: number): number {
  return Math.min(1, Math.exp(-logLambda));
}

/** The always-valid p-value for H₀: θ = θ₀ (default 0): min(1, 1/Λ(θ₀)). */
export function alwaysValidPValue(e: Evidence & { tau2: number; theta0?: number }): number {
  return pValueFromLogLambda(logLikelihoodRatio(e));
}

/**
 * The running minimum p*_t = min(p*_{t−1}, p_t) to persist between looks. A missing or
 * unusable previous value (null, NaN, outside [0, 1]) is ignored.
 */
export function runningMinimum(previous: number | null | undefined, current: number): number {
  const usable = typeof previous === 'number' && previous >= 0 && previous <= 1;
  return usable ? Math.min(previous, current) : current;
}

/** h = √( v(v+τ²)/τ² · [2 ln(1/α) + ln((v+τ²)/v)] ), the half-width of the CS at level α. */
export function halfWidth(p: { variance: number; tau2: number; alpha: number }): number {
  requirePositive(p.variance, 'variance');
  requirePositive(p.tau2, 'tau2');
  requireAlpha(p.alpha);
  const { variance: v, tau2, alpha } = p;
  return Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log1p(tau2 / v)));
}

/**
 * The confidence sequence θ̂ ± h = {θ₀ : Λ(θ₀) < 1/α}: it covers θ at every look at once with
 * probability ≥ 1 − α, so either end may be used at any run (a one-sided use is conservative).
 */
export function confidenceSequence(e: Evidence & { tau2: number; alpha: number }): Interval {
  const h = halfWidth(e);
  return [e.estimate - h, e.estimate + h];
}

/**
 * Johari et al.'s equal-n form: √(V/(V+nτ²))·exp(n²τ²(θ̂−θ₀)²/(2V(V+nτ²))), with n units per
 * arm and V = p̄_A(1−p̄_A) + p̄_B(1−p̄_B) (or 2σ²). Identical to `logLikelihoodRatio` at v = V/n.
 */
export function johariLogLikelihoodRatio(p: {
  n: number;
  V: number;
  tau2: number;
  estimate: number;
  theta0?: number;
}): number {
  requirePositive(p.n, 'n');
  requirePositive(p.V, 'V');
  requirePositive(p.tau2, 'tau2');
  const { n, V, tau2 } = p;
  const d = p.estimate - (p.theta0 ?? 0);
  return 0.5 * Math.log(V / (V + n * tau2)) + (n * n * tau2 * d * d) / (2 * V * (V + n * tau2));
}
