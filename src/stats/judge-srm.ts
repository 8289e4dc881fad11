/**
 * The gate's sample-ratio check (§8 step 2): the sequential Dirichlet-multinomial test on the
 * units assigned to each cohort since phase entry, alarming when the running minimum of its
 * anytime-valid p falls below α_srm (an SRM, once seen, holds for the phase), with the
 * chi-square p reported beside it.
 */
import type { SrmResult } from './gate-types.js';
import { fmt } from './judge-common.js';
import { runningMinimum } from './msprt.js';
import { chiSquareGoodnessOfFit, srmLogBayesFactor, srmPValue } from './srm.js';
import { checkCount, isOpenUnit } from './validate.js';

export interface SrmJudgeInput {
  exposure: { canary: number; control: number } | undefined;
  canaryShare: number;
  srmAlpha: number;
  priorMinPValue: number | null | undefined;
}

/** Judges the exposure counts; `mismatch`, `no-data` and `invalid` all keep the gate from passing. */
export function judgeSrm(p: SrmJudgeInput): SrmResult {
  const prior =
    typeof p.priorMinPValue === 'number' && p.priorMinPValue >= 0 && p.priorMinPValue <= 1 ? p.priorMinPValue : null;
  const base: SrmResult = {
    status: 'not-checked',
    observed: null,
    expectedShare: p.canaryShare,
    logBayesFactor: null,
    pValue: null,
    minPValue: prior,
    chiSquare: null,
    reasons: [],
  };
  if (!isOpenUnit(p.srmAlpha))
    return { ...base, status: 'invalid', reasons: [`analysis.srmAlpha must be in (0, 1) (got ${p.srmAlpha})`] };
  const earlier = prior !== null && prior < p.srmAlpha;
  const seenBefore = `a sample-ratio mismatch was seen earlier in this phase (p = ${fmt(prior ?? 1)} < ${fmt(p.srmAlpha)})`;
  if (p.exposure === undefined) {
    if (earlier) return { ...base, status: 'mismatch', reasons: [seenBefore] };
    return { ...base, reasons: ['no exposure counts: the sample-ratio check did not run'] };
  }
  if (!isOpenUnit(p.canaryShare)) {
    return {
      ...base,
      status: 'invalid',
      reasons: [`the canary's traffic share must be in (0, 1) for a sample-ratio check (got ${p.canaryShare})`],
    };
  }
  const issue =
    checkCount(p.exposure?.canary, "the canary's exposure") ??
    checkCount(p.exposure?.control, "the control's exposure");
  if (issue)
    return {
      ...base,
      status: earlier ? 'mismatch' : issue.status,
      reasons: earlier ? [seenBefore, issue.reason] : [issue.reason],
    };
  const observed = [p.exposure.canary, p.exposure.control];
  if (p.exposure.canary + p.exposure.control === 0) {
    return {
      ...base,
      status: earlier ? 'mismatch' : 'no-data',
      reasons: earlier ? [seenBefore] : ['no units assigned to either cohort yet'],
    };
  }
  const weights = [p.canaryShare, 1 - p.canaryShare];
  const logBayesFactor = srmLogBayesFactor(observed, weights);
  const pValue = srmPValue(logBayesFactor);
  const minPValue = runningMinimum(prior, pValue);
  const chiSquare = chiSquareGoodnessOfFit(observed, weights);
  const share = p.exposure.canary / (p.exposure.canary + p.exposure.control);
  const said = `canary share of units ${fmt(share)} (${p.exposure.canary} of ${p.exposure.canary + p.exposure.control}) against ${fmt(p.canaryShare)} planned; sequential p = ${fmt(pValue)} (lowest this phase ${fmt(minPValue)}), chi-square p = ${fmt(chiSquare.pValue)} (not valid under repeated looks)`;
  const mismatch = minPValue < p.srmAlpha;
  const why = mismatch
    ? `sample-ratio mismatch: the sequential p ${fmt(minPValue)} is below ${fmt(p.srmAlpha)}; every comparison is suspect and the gate cannot pass`
    : `no sample-ratio mismatch at ${fmt(p.srmAlpha)}`;
  return {
    ...base,
    status: mismatch ? 'mismatch' : 'ok',
    observed: { canary: p.exposure.canary, control: p.exposure.control },
    logBayesFactor,
    pValue,
    minPValue,
    chiSquare,
    reasons: [why, said],
  };
}
