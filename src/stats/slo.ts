/**
 * One-sample SLO checks (statistics.md §8 step 4, T7): a rate judged against an absolute limit,
 * e.g. "error rate < 0.5 %" or "share of requests slower than 500 ms < 5 %" (the exact form of
 * "p95 < 500 ms"). θ̂ = p̂ − p₀, v = p̂(1−p̂)/n (Laplace fallback), the §3 CS around p̂.
 */
import { oneSampleProportion } from './difference.js';
import { confidenceSequence, logLikelihoodRatio, pValueFromLogLambda } from './msprt.js';
import type { Counts, Interval } from './types.js';

/** The SLO: the rate must stay strictly below (or above) a limit in (0, 1). */
export type SloLimit = { below: number } | { above: number };

export type SloVerdict = 'pass' | 'fail' | 'inconclusive';

export interface SloCheck {
  rate: number;
  limit: number;
  direction: 'below' | 'above';
  variance: number;
  tau2: number;
  /** ln Λ at θ₀ = the limit */
  logLambda: number;
  /** always-valid p for "the rate equals the limit" */
  pValue: number;
  /** CS for the rate at α_fail (used for FAIL) and α_pass (used for PASS) */
  intervalFail: Interval;
  intervalPass: Interval;
  verdict: SloVerdict;
  laplace: boolean;
}

/** The limit value and its direction. */
export function sloLimitParts(limit: SloLimit): { limit: number; direction: 'below' | 'above' } {
  return 'below' in limit ? { limit: limit.below, direction: 'below' } : { limit: limit.above, direction: 'above' };
}

/**
 * For `below`: FAIL if the CS at α_fail lies wholly above the limit, PASS if the CS at α_pass lies
 * wholly below it, else INCONCLUSIVE (FAIL first); `above` is the mirror image. Counts must be
 * valid (see `checkCounts`), τ² > 0, the limit in (0, 1).
 */
export function checkSlo(p: {
  counts: Counts;
  limit: SloLimit;
  tau2: number;
  alphaFail: number;
  alphaPass: number;
}): SloCheck {
  const { limit, direction } = sloLimitParts(p.limit);
  const e = oneSampleProportion(p.counts, limit);
  const rate = e.rate.rate;
  const evidence = { estimate: rate, variance: e.variance, tau2: p.tau2 };
  const intervalFail = confidenceSequence({ ...evidence, alpha: p.alphaFail });
  const intervalPass = confidenceSequence({ ...evidence, alpha: p.alphaPass });
  const logLambda = logLikelihoodRatio({ estimate: e.estimate, variance: e.variance, tau2: p.tau2 });
  let verdict: SloVerdict = 'inconclusive';
  if (direction === 'below') {
    if (intervalFail[0] > limit) verdict = 'fail';
    else if (intervalPass[1] < limit) verdict = 'pass';
  } else if (intervalFail[1] < limit) verdict = 'fail';
  else if (intervalPass[0] > limit) verdict = 'pass';
  return {
    rate,
    limit,
    direction,
    variance: e.variance,
    tau2: p.tau2,
    logLambda,
    pValue: pValueFromLogLambda(logLambda),
    intervalFail,
    intervalPass,
    verdict,
    laplace: e.rate.laplace,
  };
}
