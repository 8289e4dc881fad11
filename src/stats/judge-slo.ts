/**
 * Judges one absolute SLO check on the canary (§8 step 4, T7): an error rate below a limit, or
 * the share of requests slower than L below 5 % (the exact form of "p95 < L") from a histogram.
 * FAIL if the CS at α_fail lies wholly on the wrong side of the limit, PASS if the CS at α_pass
 * lies wholly on the right side, else INCONCLUSIVE; missing or malformed data never passes.
 */
import type { ComparisonResult, SloComparisonInput } from './gate-types.js';
import { exceedance, validateBuckets } from './histogram.js';
import { emptyResult, fmt, type JudgeContext, level } from './judge-common.js';
import { neededForSlo } from './judge-needed.js';
import { checkSlo, sloLimitParts } from './slo.js';
import { oneSampleTau2 } from './tau.js';
import { type Counts, type DataIssue, isDataIssue } from './types.js';
import { checkCounts, isOpenUnit, isPositive } from './validate.js';

function canaryCounts(input: SloComparisonInput, notes: string[]): Counts | DataIssue {
  const src = input.canary;
  if (src === undefined || src === null || typeof src !== 'object' || !('buckets' in src))
    return checkCounts(src, 'canary');
  const buckets = validateBuckets(src.buckets);
  if (isDataIssue(buckets)) return { status: buckets.status, reason: `the canary's histogram: ${buckets.reason}` };
  const e = exceedance(buckets, src.threshold);
  if (isDataIssue(e)) return e;
  if (e.approximate)
    notes.push(
      `${src.threshold} is not a bucket boundary: counted slow above ${e.boundary} instead (conservative for PASS, may over-FAIL)`,
    );
  return { events: e.slow, total: e.total };
}

function resolveTau2(input: SloComparisonInput, limit: number, alpha: number): number | DataIssue {
  const t = (typeof input.tau === 'object' && input.tau !== null ? input.tau : {}) as {
    tau2?: unknown;
    horizon?: unknown;
  };
  if ('tau2' in t)
    return isPositive(t.tau2)
      ? t.tau2
      : { status: 'invalid', reason: `τ² must be a number > 0 (got ${String(t.tau2)})` };
  if (isPositive(t.horizon)) return oneSampleTau2({ limit, n: t.horizon, alpha });
  return { status: 'invalid', reason: 'τ² needs { tau2 } or { horizon: planned canary units > 0 }' };
}

/** Judges an SLO check at the gate's α split; the caller applies memory (`remember`). */
export function judgeSlo(input: SloComparisonInput, ctx: JudgeContext): ComparisonResult {
  const hasLimit =
    typeof input.limit === 'object' && input.limit !== null && ('below' in input.limit || 'above' in input.limit);
  const parts = hasLimit ? sloLimitParts(input.limit) : undefined;
  if (!parts || !isOpenUnit(parts.limit)) {
    return {
      ...emptyResult(input, 'invalid'),
      reasons: ['the SLO limit must be { below: x } or { above: x } with x in (0, 1)'],
    };
  }
  const { limit, direction } = parts;
  const tau2 = resolveTau2(input, limit, ctx.alpha);
  if (isDataIssue(tau2)) return { ...emptyResult(input, tau2.status), reasons: [tau2.reason] };
  const approximations: string[] = [];
  const counts = canaryCounts(input, approximations);
  if (isDataIssue(counts))
    return {
      ...emptyResult(input, counts.status),
      tau2,
      thresholds: { fail: limit, pass: limit },
      reasons: [counts.reason],
    };
  const r = checkSlo({ counts, limit: input.limit, tau2, alphaFail: ctx.alphaFail, alphaPass: ctx.alphaPass });
  const base: ComparisonResult = {
    ...emptyResult(input, 'inconclusive'),
    estimate: r.rate,
    rates: { canary: r.rate, control: null },
    interval: r.intervalPass,
    intervals: {
      fail: { alpha: ctx.alphaFail, interval: r.intervalFail },
      pass: { alpha: ctx.alphaPass, interval: r.intervalPass },
    },
    pValue: r.pValue,
    samples: { canary: counts.total, control: null },
    tau2,
    thresholds: { fail: limit, pass: limit },
    approximations,
  };
  const slo = `${direction} ${fmt(limit)}`;
  const said = `canary rate ${fmt(r.rate)} (${counts.events} of ${counts.total}), SLO: ${slo}`;
  const pass = r.intervalPass;
  const fail = r.intervalFail;
  if (counts.total < ctx.minSamples) {
    const reasons = [`insufficient data: ${counts.total} canary samples, at least ${ctx.minSamples} needed`, said];
    return withNeeded({ ...base, reasons }, ctx, counts, limit, direction, tau2);
  }
  if (r.verdict === 'fail') {
    return {
      ...base,
      status: 'fail',
      reasons: [
        `the rate is ${direction === 'below' ? 'above' : 'below'} ${fmt(limit)}: always-valid ${level(ctx.alphaFail)} interval [${fmt(fail[0])}, ${fmt(fail[1])}]`,
        said,
      ],
    };
  }
  if (r.verdict === 'pass') {
    return {
      ...base,
      status: 'pass',
      reasons: [
        `the rate is ${slo}: always-valid ${level(ctx.alphaPass)} interval [${fmt(pass[0])}, ${fmt(pass[1])}]`,
        said,
      ],
    };
  }
  const why = `the always-valid ${level(ctx.alphaPass)} interval [${fmt(pass[0])}, ${fmt(pass[1])}] still contains the limit ${fmt(limit)}`;
  return withNeeded({ ...base, reasons: [why, said] }, ctx, counts, limit, direction, tau2);
}

function withNeeded(
  r: ComparisonResult,
  ctx: JudgeContext,
  counts: Counts,
  limit: number,
  direction: 'below' | 'above',
  tau2: number,
): ComparisonResult {
  const needed = neededForSlo({ ctx, counts, limit, direction, tau2 });
  return { ...r, needed, reasons: [...r.reasons, needed.text] };
}
