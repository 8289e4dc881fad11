/**
 * Judges one canary-vs-control comparison (§8 step 4): a rate (`ratio`) or the share of slow
 * requests at a latency threshold (`exceedance`). FAIL if the harm's lower bound at α_fail is
 * above δ_f; else PASS if its upper bound at α_pass is below δ_p; else INCONCLUSIVE. Missing or
 * malformed data gives NO_DATA / INVALID and never PASS.
 */
import { differenceOfProportions } from './difference.js';
import { pooledZTest } from './fixed-horizon.js';
import type { ComparisonResult, ExceedanceComparisonInput, RatioComparisonInput } from './gate-types.js';
import { exceedance, validateBuckets } from './histogram.js';
import { emptyResult, fmt, isValidMargin, type JudgeContext, level, marginValue, resolveTau2 } from './judge-common.js';
import { neededForTwoSample } from './judge-needed.js';
import { alwaysValidPValue, confidenceSequence } from './msprt.js';
import { type Counts, type DataIssue, type Interval, isDataIssue } from './types.js';
import { checkCounts } from './validate.js';

type TwoSampleInput = RatioComparisonInput | ExceedanceComparisonInput;

function countsOf(input: TwoSampleInput, cohort: 'canary' | 'control', notes: string[]): Counts | DataIssue {
  if (input.kind === 'ratio') return checkCounts(input[cohort], cohort);
  const buckets = validateBuckets(input[cohort]);
  if (isDataIssue(buckets)) return { status: buckets.status, reason: `the ${cohort}'s histogram: ${buckets.reason}` };
  const e = exceedance(buckets, input.threshold);
  if (isDataIssue(e)) return e;
  if (e.approximate && cohort === 'canary') {
    notes.push(
      `${input.threshold} is not a bucket boundary: counted slow above ${e.boundary} instead (conservative for PASS, may over-FAIL)`,
    );
  }
  return { events: e.slow, total: e.total };
}

function configIssue(input: TwoSampleInput): string | undefined {
  if (!isValidMargin(input.passMargin, true))
    return 'passMargin must be a number > 0 (absolute) or a percentage > 0 (relative)';
  if (input.failThreshold !== undefined && !isValidMargin(input.failThreshold, false))
    return 'failThreshold must be a number ≥ 0 or a percentage ≥ 0';
  if (input.kind === 'ratio' && input.better !== 'higher' && input.better !== 'lower')
    return 'better must be "higher" or "lower"';
  if (input.kind === 'exceedance' && !(Number.isFinite(input.threshold) && input.threshold > 0))
    return 'the latency threshold must be a number > 0';
  return undefined;
}

/** Judges a two-sample comparison at the gate's α split; the caller applies memory (`remember`). */
export function judgeTwoSample(input: TwoSampleInput, ctx: JudgeContext): ComparisonResult {
  const bad = configIssue(input);
  if (bad) return { ...emptyResult(input, 'invalid'), reasons: [bad] };
  const tau2 = resolveTau2(input.tau, ctx.alpha);
  if (isDataIssue(tau2)) return { ...emptyResult(input, tau2.status), reasons: [tau2.reason] };
  const approximations: string[] = [];
  const canary = countsOf(input, 'canary', approximations);
  const control = countsOf(input, 'control', approximations);
  const issues = [canary, control].filter(isDataIssue);
  if (issues.length > 0) {
    const status = issues.some((i) => i.status === 'invalid') ? 'invalid' : 'no-data';
    return { ...emptyResult(input, status), tau2, reasons: issues.map((i) => i.reason) };
  }
  const t = canary as Counts;
  const c = control as Counts;
  const d = differenceOfProportions(t, c);
  const sign = input.kind === 'exceedance' || input.better === 'lower' ? 1 : -1;
  const toHarm = (i: Interval): Interval => (sign === 1 ? i : [-i[1], -i[0]]);
  const failCs = confidenceSequence({ ...d, tau2, alpha: ctx.alphaFail });
  const passCs = confidenceSequence({ ...d, tau2, alpha: ctx.alphaPass });
  const harmFail = toHarm(failCs);
  const harmPass = toHarm(passCs);
  const pC = d.control.rate;
  const failAt = marginValue(input.failThreshold ?? { kind: 'absolute', value: 0 }, pC);
  const passAt = marginValue(input.passMargin, pC);
  for (const [what, m] of [
    ['failThreshold', input.failThreshold],
    ['passMargin', input.passMargin],
  ] as const) {
    if (m?.kind === 'relative') {
      approximations.push(
        `${what} ${fmt(m.value * 100)}% of the control's rate ${fmt(pC)} taken as ${fmt(marginValue(m, pC))} (an approximation: the control's rate is itself estimated)`,
      );
    }
  }
  const base: ComparisonResult = {
    ...emptyResult(input, 'inconclusive'),
    estimate: d.estimate,
    relativeEstimate: pC > 0 ? d.estimate / pC : null,
    rates: { canary: d.canary.rate, control: pC },
    interval: passCs,
    intervals: { fail: { alpha: ctx.alphaFail, interval: failCs }, pass: { alpha: ctx.alphaPass, interval: passCs } },
    pValue: alwaysValidPValue({ ...d, tau2 }),
    samples: { canary: t.total, control: c.total },
    tau2,
    thresholds: { fail: failAt, pass: passAt },
    fixedHorizon: pooledZTest(t, c),
    approximations,
  };
  const harmWord = sign === 1 ? 'canary − control' : 'control − canary';
  const said = `estimate ${fmt(d.estimate)} (canary ${fmt(d.canary.rate)} vs control ${fmt(pC)}; harm = ${harmWord})`;
  if (t.total < ctx.minSamples || c.total < ctx.minSamples) {
    const reasons = [
      `insufficient data: ${t.total} canary and ${c.total} control samples, at least ${ctx.minSamples} each needed`,
      said,
    ];
    return withNeeded({ ...base, reasons }, ctx, t, c, sign);
  }
  if (harmFail[0] > failAt) {
    const why = `harm is at least ${fmt(harmFail[0])} (always-valid ${level(ctx.alphaFail)} interval [${fmt(harmFail[0])}, ${fmt(harmFail[1])}]), above the fail threshold ${fmt(failAt)}`;
    return { ...base, status: 'fail', reasons: [why, said] };
  }
  if (harmPass[1] < passAt) {
    const why = `harm is at most ${fmt(harmPass[1])} (always-valid ${level(ctx.alphaPass)} interval [${fmt(harmPass[0])}, ${fmt(harmPass[1])}]), below the pass margin ${fmt(passAt)}`;
    return { ...base, status: 'pass', reasons: [why, said] };
  }
  const why = `harm between ${fmt(harmPass[0])} and ${fmt(harmPass[1])} (always-valid ${level(ctx.alphaPass)}): not yet below the pass margin ${fmt(passAt)}, and the ${level(ctx.alphaFail)} lower bound ${fmt(harmFail[0])} is not above the fail threshold ${fmt(failAt)}`;
  return withNeeded({ ...base, reasons: [why, said] }, ctx, t, c, sign);
}

function withNeeded(r: ComparisonResult, ctx: JudgeContext, t: Counts, c: Counts, sign: number): ComparisonResult {
  const needed = neededForTwoSample({
    ctx,
    canary: t,
    control: c,
    sign,
    passAt: r.thresholds.pass ?? 0,
    tau2: r.tau2 ?? 0,
  });
  return { ...r, needed, reasons: [...r.reasons, needed.text] };
}
