/**
 * Pieces every comparison judge shares: number formatting for reasons, the empty result, margin
 * and τ² resolution, the sticky-FAIL rule and the "needed" sentence.
 */
import type { ComparisonInput, ComparisonMemory, ComparisonResult, Needed } from './gate-types.js';
import { runningMinimum } from './msprt.js';
import { plannedTau2 } from './tau.js';
import type { DataIssue, Margin } from './types.js';
import { isOpenUnit, isPositive } from './validate.js';

/** What every judge needs from the gate. */
export interface JudgeContext {
  alpha: number;
  alphaFail: number;
  alphaPass: number;
  minSamples: number;
  power: number;
  elapsedHours: number;
}

/** A number for a sentence: 4 significant digits, no exponent for everyday magnitudes. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-4 && a < 1e7 ? String(Number(x.toPrecision(4))) : x.toPrecision(4);
}

/** A confidence level: α = 0.05 → "95%", α = 0.0125 → "98.75%". */
export function level(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toPrecision(6))}%`;
}

/** A result with nothing computed yet. */
export function emptyResult(input: ComparisonInput, status: ComparisonResult['status']): ComparisonResult {
  return {
    name: input.name,
    kind: input.kind,
    status,
    estimate: null,
    relativeEstimate: null,
    rates: { canary: null, control: null },
    interval: null,
    intervals: null,
    pValue: null,
    minPValue: null,
    samples: { canary: null, control: null },
    tau2: null,
    thresholds: { fail: null, pass: null },
    fixedHorizon: null,
    needed: null,
    approximations: [],
    reasons: [],
  };
}

/** A margin's absolute value: relative ones scale by the control's rate (flagged by the caller). */
export function marginValue(m: Margin, controlRate: number): number {
  return m.kind === 'absolute' ? m.value : m.value * controlRate;
}

/** A margin that is a finite number, ≥ 0 (or > 0 when `positive`). */
export function isValidMargin(m: unknown, positive: boolean): m is Margin {
  if (typeof m !== 'object' || m === null) return false;
  const { kind, value } = m as Partial<Margin>;
  if (kind !== 'absolute' && kind !== 'relative') return false;
  return typeof value === 'number' && Number.isFinite(value) && (positive ? value > 0 : value >= 0);
}

/** τ² from a two-sample `TauSource`, or the reason it cannot be used. */
export function resolveTau2(tau: unknown, alpha: number): number | DataIssue {
  const t = (typeof tau === 'object' && tau !== null ? tau : {}) as {
    tau2?: unknown;
    baselineRate?: unknown;
    horizon?: { canary?: unknown; control?: unknown };
  };
  if ('tau2' in t)
    return isPositive(t.tau2)
      ? t.tau2
      : { status: 'invalid', reason: `τ² must be a number > 0 (got ${String(t.tau2)})` };
  if (isOpenUnit(t.baselineRate) && isPositive(t.horizon?.canary) && isPositive(t.horizon?.control)) {
    return plannedTau2({
      baselineRate: t.baselineRate,
      horizon: { canary: t.horizon.canary, control: t.horizon.control },
      alpha,
    });
  }
  return {
    status: 'invalid',
    reason: 'τ² needs { tau2 } or { baselineRate in (0, 1), horizon: { canary > 0, control > 0 } }',
  };
}

/**
 * Applies the sticky FAIL and the running minimum of p to a fresh result; returns the result and
 * the memory to persist. A comparison that failed earlier in the phase stays FAIL whatever the
 * current data say (valid because the CS is time-uniform); its first reason is kept.
 */
export function remember(
  result: ComparisonResult,
  prior: ComparisonMemory | undefined,
): { result: ComparisonResult; memory: ComparisonMemory } {
  const p = prior?.minPValue;
  const priorMin = typeof p === 'number' && p >= 0 && p <= 1 ? p : null;
  const minPValue = result.pValue === null ? priorMin : runningMinimum(priorMin, result.pValue);
  if (prior?.failed === true) {
    const failedBecause = typeof prior.failedBecause === 'string' ? prior.failedBecause : result.reasons[0];
    if (result.status === 'fail')
      return { result: { ...result, minPValue }, memory: { failed: true, minPValue, failedBecause } };
    const because = typeof prior.failedBecause === 'string' && prior.failedBecause ? `: ${prior.failedBecause}` : '';
    const reasons = [
      `FAIL at an earlier check of this phase${because}; a failure stays for the whole phase`,
      ...result.reasons,
    ];
    return {
      result: { ...result, status: 'fail', minPValue, needed: null, reasons },
      memory: { failed: true, minPValue, failedBecause },
    };
  }
  const failed = result.status === 'fail';
  return {
    result: { ...result, minPValue },
    memory: { failed, minPValue, failedBecause: failed ? result.reasons[0] : undefined },
  };
}

/** The "needed" sentence from the numbers; `purpose` says what the size is for. */
export function neededText(n: Omit<Needed, 'text'>, purpose = ''): string {
  if (n.canary === null) return 'cannot estimate how many more samples are needed';
  let text = `need about ${n.canary} more canary samples`;
  if (n.control !== null) text += ` and ${n.control} more control samples`;
  if (n.events !== null) text += ` (about ${Math.round(n.events)} more events)`;
  text += n.hours === null ? ', no rate yet to estimate the time' : `, about ${fmt(n.hours)} h at the current rate`;
  return purpose ? `${text}, ${purpose}` : text;
}
