/**
 * "Need about N more samples, about T hours at the current rate" for an INCONCLUSIVE comparison
 * (§8 step 4, §6): the last-look size at which the CS would decide with the planned power, minus
 * what the cohorts already have, and the time that takes at the rate seen so far in this phase.
 */
import type { Needed } from './gate-types.js';
import { fmt, type JudgeContext, neededText } from './judge-common.js';
import { sequentialSampleSize, timeToGo } from './sample-size.js';
import type { Counts } from './types.js';

/** The rate used in variances: p̂, or (x+1)/(n+2) when x = 0 or x = n (as in §3.1). */
function varianceRate(c: Counts): number {
  return c.events === 0 || c.events === c.total ? (c.events + 1) / (c.total + 2) : c.events / c.total;
}

const clampRate = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));

function finish(p: {
  required: number | undefined;
  current: number;
  ctx: JudgeContext;
  eventRate: number;
  ratio: number | null;
  purpose: string;
}): Needed {
  if (p.required === undefined) {
    const n = { canary: null, control: null, events: null, hours: null };
    return { ...n, text: neededText(n) };
  }
  const required = Math.ceil(p.required);
  const go = timeToGo({ required, current: p.current, elapsedHours: p.ctx.elapsedHours, controlRate: p.eventRate });
  const control =
    p.ratio === null ? null : Math.max(0, Math.ceil(required * p.ratio) - Math.round(p.current * p.ratio));
  const n = { canary: go.more, control, events: go.events, hours: go.hours };
  if (go.more === 0) {
    return {
      ...n,
      text: `the last-look sample size (${required} canary samples) is reached: the estimate sits close to a threshold`,
    };
  }
  return { ...n, text: neededText(n, p.purpose) };
}

/**
 * Two-sample: the smallest n_T at which h + z_{1−β}·√v ≤ δ_p for a canary worse than the control
 * by δ_p (§6 last-look rule), at α_pass, at the current ratio k = n_C/n_T, and never below
 * `minSamples` in either cohort. Events are counted at the control's rate.
 */
export function neededForTwoSample(p: {
  ctx: JudgeContext;
  canary: Counts;
  control: Counts;
  sign: number;
  passAt: number;
  tau2: number;
}): Needed {
  const { ctx, canary, control } = p;
  const k = control.total / canary.total;
  const pC = varianceRate(control);
  const seq = sequentialSampleSize({
    canaryRate: clampRate(pC + p.sign * p.passAt),
    controlRate: pC,
    ratio: k,
    distance: p.passAt,
    tau2: p.tau2,
    alpha: ctx.alphaPass,
    power: ctx.power,
  });
  const required = seq === undefined ? undefined : Math.max(seq, ctx.minSamples, ctx.minSamples / k);
  const purpose = `to resolve the pass margin ${fmt(p.passAt)} with ${fmt(ctx.power * 100)}% power`;
  return finish({ required, current: canary.total, ctx, eventRate: control.events / control.total, ratio: k, purpose });
}

/**
 * One-sample: the smallest n at which the CS around the current rate would clear the limit with
 * the planned power (distance = |p̂ − limit|; α_pass on the passing side, α_fail on the failing
 * side), never below `minSamples`. None when the rate sits on the limit.
 */
export function neededForSlo(p: {
  ctx: JudgeContext;
  counts: Counts;
  limit: number;
  direction: 'below' | 'above';
  tau2: number;
}): Needed {
  const rate = p.counts.events / p.counts.total;
  const passing = p.direction === 'below' ? rate < p.limit : rate > p.limit;
  const seq = sequentialSampleSize({
    canaryRate: varianceRate(p.counts),
    controlRate: 0,
    ratio: Number.POSITIVE_INFINITY,
    distance: Math.abs(rate - p.limit),
    tau2: p.tau2,
    alpha: passing ? p.ctx.alphaPass : p.ctx.alphaFail,
    power: p.ctx.power,
  });
  const required = seq === undefined ? undefined : Math.max(seq, p.ctx.minSamples);
  const purpose = `to tell the rate ${fmt(rate)} from the limit ${fmt(p.limit)} with ${fmt(p.ctx.power * 100)}% power`;
  return finish({ required, current: p.counts.total, ctx: p.ctx, eventRate: rate, ratio: null, purpose });
}
