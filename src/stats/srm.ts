/**
 * Sample ratio mismatch (statistics.md §5): the chi-square goodness of fit (fixed horizon, for
 * reporting) and the sequential Dirichlet-multinomial test (Lindon et al.; GrowthBook `ssrm.py`),
 * whose p = min(1, 1/BF) is anytime-valid and depends only on the cumulative counts.
 */
import { RolloutError } from '../errors.js';
import { chiSquareUpperTail, lnGamma } from './distributions.js';
import { FIXED_HORIZON_NOTE, type FixedHorizonLabel } from './fixed-horizon.js';

/** The Dirichlet prior concentration c of the alternative (the library default). */
export const SRM_CONCENTRATION = 10000;

function checkInputs(observed: readonly number[], weights: readonly number[]): void {
  const ok =
    observed.length >= 2 &&
    observed.length === weights.length &&
    observed.every((o) => Number.isInteger(o) && o >= 0) &&
    weights.every((w) => Number.isFinite(w) && w > 0) &&
    Math.abs(weights.reduce((s, w) => s + w, 0) - 1) < 1e-9;
  if (!ok) throw new RolloutError('internal', 'SRM needs ≥ 2 whole counts ≥ 0 and as many weights > 0 summing to 1');
}

export interface ChiSquareResult extends FixedHorizonLabel {
  statistic: number;
  df: number;
  pValue: number;
}

/**
 * χ² = Σ(O_i − E_i)²/E_i with E_i = w_i·ΣO and df = k − 1; p is the upper tail. Needs ΣO > 0.
 * Weights are shares summing to 1 (e.g. [0.05, 0.95]).
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], weights: readonly number[]): ChiSquareResult {
  checkInputs(observed, weights);
  const total = observed.reduce((s, o) => s + o, 0);
  if (total === 0) throw new RolloutError('internal', 'chi-square needs at least one observation');
  const statistic = observed.reduce((s, o, i) => {
    const e = (weights[i] ?? 0) * total;
    return s + ((o - e) * (o - e)) / e;
  }, 0);
  const df = observed.length - 1;
  return {
    statistic,
    df,
    pValue: chiSquareUpperTail(statistic, df),
    validUnderRepeatedLooks: false,
    note: FIXED_HORIZON_NOTE,
  };
}

/** ln of the Dirichlet-multinomial over multinomial likelihood of `counts`, without the coefficient. */
function logBayesFactorIncrement(
  counts: readonly number[],
  prior: readonly number[],
  weights: readonly number[],
): number {
  const a0 = prior.reduce((s, a) => s + a, 0);
  const n = counts.reduce((s, o) => s + o, 0);
  let lbf = lnGamma(a0) - lnGamma(a0 + n);
  counts.forEach((o, i) => {
    const a = prior[i] ?? 0;
    lbf += lnGamma(a + o) - lnGamma(a) - o * Math.log(weights[i] ?? 1);
  });
  return lbf;
}

/**
 * log BF = [lnΓ(Σα) − ΣlnΓ(α_i) + ΣlnΓ(α_i + O_i) − lnΓ(Σα + ΣO)] − ΣO_i·ln w_i with α = c·w,
 * on the cumulative counts of the phase. The multinomial coefficients cancel.
 */
export function srmLogBayesFactor(
  observed: readonly number[],
  weights: readonly number[],
  concentration = SRM_CONCENTRATION,
): number {
  checkInputs(observed, weights);
  return logBayesFactorIncrement(
    observed,
    weights.map((w) => w * concentration),
    weights,
  );
}

/** Posterior state of the sequential SRM test after some batches. */
export interface SrmSequentialState {
  /** the Dirichlet posterior parameters α + counts so far */
  posterior: number[];
  logBayesFactor: number;
}

/** The state before any data: prior α = c·w, log BF = 0. */
export function srmInitialState(weights: readonly number[], concentration = SRM_CONCENTRATION): SrmSequentialState {
  return { posterior: weights.map((w) => w * concentration), logBayesFactor: 0 };
}

/**
 * Adds one batch the Bayesian way (posterior predictive of the batch against the null), as the
 * ssrm library does look by look. The result equals `srmLogBayesFactor` on the summed counts,
 * whatever the batching (T4 batch invariance).
 */
export function srmUpdate(
  state: SrmSequentialState,
  batch: readonly number[],
  weights: readonly number[],
): SrmSequentialState {
  checkInputs(batch, weights);
  const increment = logBayesFactorIncrement(batch, state.posterior, weights);
  return {
    posterior: state.posterior.map((a, i) => a + (batch[i] ?? 0)),
    logBayesFactor: state.logBayesFactor + increment,
  };
}

/** The anytime-valid SRM p-value min(1, 1/BF) = min(1, exp(−log BF)). */
export function srmPValue(logBayesFactor: number): number {
  return Math.min(1, Math.exp(-logBayesFactor));
}
