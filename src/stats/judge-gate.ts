/**
 * The §8 gate algorithm as one pure function: validate, SRM, split α, judge each comparison,
 * apply the sticky FAIL, and map to a verdict. Any FAIL → fail; else an SRM (or SRM without
 * data) → hold; else every comparison PASS → pass; else hold. No data is never a pass.
 */
import type {
  AnalysisSettings,
  ComparisonMemory,
  ComparisonResult,
  GateInput,
  GateMemory,
  GateStatsResult,
  HoldReason,
} from './gate-types.js';
import { DEFAULT_ANALYSIS } from './gate-types.js';
import { emptyResult, fmt, type JudgeContext, remember } from './judge-common.js';
import { judgeSlo } from './judge-slo.js';
import { judgeSrm } from './judge-srm.js';
import { judgeTwoSample } from './judge-two-sample.js';
import { isOpenUnit } from './validate.js';

function settingsIssue(a: AnalysisSettings): string | undefined {
  if (!isOpenUnit(a.alpha)) return `analysis.alpha must be in (0, 1) (got ${a.alpha})`;
  if (!isOpenUnit(a.srmAlpha)) return `analysis.srmAlpha must be in (0, 1) (got ${a.srmAlpha})`;
  if (!(Number.isInteger(a.minSamples) && a.minSamples >= 1))
    return `analysis.minSamples must be a whole number ≥ 1 (got ${a.minSamples})`;
  if (!isOpenUnit(a.power)) return `analysis.power must be in (0, 1) (got ${a.power})`;
  return undefined;
}

function priorOf(memory: GateMemory | undefined, name: string): ComparisonMemory | undefined {
  const m = memory?.comparisons;
  const prior = m && typeof m === 'object' && Object.hasOwn(m, name) ? m[name] : undefined;
  return typeof prior === 'object' && prior !== null ? prior : undefined;
}

/**
 * Judges every comparison of a phase's gate from the cumulative data since phase entry. Never
 * throws on data: missing, NaN, negative, fractional, inconsistent counts or a bad setting make
 * the comparison `no-data`/`invalid` (never `pass`). Returns the memory to persist for the phase.
 */
export function judgeGate(input: GateInput): GateStatsResult {
  const analysis: AnalysisSettings = { ...DEFAULT_ANALYSIS, ...stripUndefined(input.analysis) };
  const m = input.comparisons.length;
  const ctx: JudgeContext = {
    alpha: analysis.alpha,
    alphaFail: analysis.alpha / Math.max(1, m),
    alphaPass: analysis.alpha,
    minSamples: analysis.minSamples,
    power: analysis.power,
    elapsedHours: input.elapsedHours,
  };
  const badSettings = settingsIssue(analysis);
  const seen = new Set<string>();
  const memory: GateMemory = { comparisons: {}, srm: { minPValue: null } };
  const comparisons: ComparisonResult[] = input.comparisons.map((c) => {
    let fresh: ComparisonResult;
    if (badSettings) fresh = { ...emptyResult(c, 'invalid'), reasons: [badSettings] };
    else if (typeof c.name !== 'string' || c.name === '' || seen.has(c.name)) {
      fresh = {
        ...emptyResult(c, 'invalid'),
        reasons: [`comparison names must be unique and non-empty (got "${String(c.name)}")`],
      };
    } else if (c.kind === 'slo') fresh = judgeSlo(c, ctx);
    else if (c.kind === 'ratio' || c.kind === 'exceedance') fresh = judgeTwoSample(c, ctx);
    else
      fresh = {
        ...emptyResult(c, 'invalid'),
        reasons: [`unknown comparison kind "${String((c as { kind: unknown }).kind)}"`],
      };
    const duplicate = seen.has(c.name);
    seen.add(c.name);
    const { result, memory: kept } = remember(fresh, duplicate ? undefined : priorOf(input.memory, c.name));
    if (!duplicate) memory.comparisons[c.name] = kept;
    return result;
  });
  const srm = judgeSrm({
    exposure: input.exposure,
    canaryShare: input.canaryShare,
    srmAlpha: analysis.srmAlpha,
    priorMinPValue: input.memory?.srm?.minPValue,
  });
  memory.srm.minPValue = srm.minPValue;
  const { verdict, holdReasons, reasons } = overall(comparisons, srm.status);
  return {
    verdict,
    holdReasons,
    alpha: { fail: ctx.alphaFail, pass: ctx.alphaPass, comparisons: m },
    comparisons,
    srm,
    memory,
    reasons,
  };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** §8 step 6: any FAIL → fail; SRM → hold; all PASS → pass; else hold. */
function overall(
  comparisons: ComparisonResult[],
  srm: GateStatsResult['srm']['status'],
): Pick<GateStatsResult, 'verdict' | 'holdReasons' | 'reasons'> {
  const count = (s: ComparisonResult['status']) => comparisons.filter((c) => c.status === s).length;
  const failed = comparisons.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    return { verdict: 'fail', holdReasons: [], reasons: failed.map((c) => `${c.name} failed: ${c.reasons[0] ?? ''}`) };
  }
  const holdReasons: HoldReason[] = [];
  const reasons: string[] = [];
  if (comparisons.length === 0) {
    holdReasons.push('no-comparisons');
    reasons.push('no gating comparisons: nothing can pass');
  }
  if (srm === 'mismatch' || srm === 'no-data' || srm === 'invalid') {
    holdReasons.push('srm');
    reasons.push(
      srm === 'mismatch'
        ? 'sample-ratio mismatch: the gate cannot pass'
        : `the sample-ratio check has ${srm === 'no-data' ? 'no data' : 'invalid data'}: the gate cannot pass`,
    );
  }
  for (const s of ['no-data', 'invalid', 'inconclusive'] as const) {
    if (count(s) > 0) {
      holdReasons.push(s);
      reasons.push(
        `${count(s)} of ${comparisons.length} comparison(s) ${s === 'inconclusive' ? 'inconclusive' : `with ${s === 'no-data' ? 'no data' : 'invalid data'}`}`,
      );
    }
  }
  if (holdReasons.length > 0) return { verdict: 'hold', holdReasons, reasons };
  return {
    verdict: 'pass',
    holdReasons,
    reasons: [`all ${comparisons.length} comparison(s) pass at α = ${fmt(comparisons[0]?.intervals?.pass.alpha ?? 0)}`],
  };
}
