/**
 * The statistics engine of `rollout` (docs/statistics.md §3–§8). Pure: no fs, process or clock;
 * the only libraries are the @stdlib distributions. Nothing here throws on data; the low-level
 * functions throw an internal `RolloutError` only when called against their documented
 * preconditions (the gate validates first).
 *
 * What the gate calls: `judgeGate(input): GateStatsResult`, once per check of a phase.
 *
 *   input.comparisons   one entry per gating comparison (m of them; α_fail = α/m, α_pass = α):
 *     { kind: 'ratio', name, better: 'higher'|'lower', canary: {events,total}, control: {events,total},
 *       passMargin: Margin, failThreshold?: Margin, tau: { tau2 } | { baselineRate, horizon: {canary, control} } }
 *     { kind: 'exceedance', name, threshold: L, canary: Bucket[], control: Bucket[], passMargin, failThreshold?, tau }
 *       (slow share above L, lower is better; buckets are window increases, `bucketIncreases` makes
 *        them from raw cumulative samples with counter resets handled)
 *     { kind: 'slo', name, limit: { below: p } | { above: p }, canary: {events,total} | { buckets, threshold },
 *       tau: { tau2 } | { horizon: planned canary units } }
 *     Counts are cumulative since the phase was entered (restart at every phase change).
 *     `parseMargin(0.001 | "5%")` turns the plan's `compare` thresholds into a Margin.
 *   input.analysis      { alpha = 0.05, srmAlpha = 0.001, minSamples = 100, power = 0.8 } (plan `analysis`)
 *   input.exposure      units per cohort since phase entry (plan `analysis.exposure`), or undefined
 *   input.canaryShare   the phase's traffic / 100, in (0, 1)
 *   input.elapsedHours  time in phase, for "about T hours at the current rate"
 *   input.memory        the `memory` returned by the previous check of the same phase (undefined at first)
 *
 *   result.verdict      'fail' if any comparison FAILs; else 'hold' on SRM (or SRM without data);
 *                       'pass' only when every comparison PASSes; else 'hold' (holdReasons say why)
 *   result.comparisons  per comparison: status pass|fail|inconclusive|no-data|invalid, estimate
 *                       (canary − control; slo: the rate), relativeEstimate, interval (always-valid,
 *                       at α), intervals at α_fail and α_pass, pValue (always-valid) and minPValue,
 *                       samples { canary, control }, tau2, thresholds, fixedHorizon (z, labelled not
 *                       valid under repeated looks), needed (more samples, events, hours), approximations,
 *                       reasons (plain words with the numbers)
 *   result.srm          sequential SRM (status, log BF, p, running minimum) with the chi-square p beside it
 *   result.memory       persist per phase (sticky FAILs, running minima of p); JSON-serialisable
 *
 * The contract's criterion JSON maps as: estimate, interval, pValue, samples, needed.
 * Deliberately left to the caller: minDuration, deadlines/onTimeout, `critical`, onNoData, and the
 * contingency a FAIL triggers (contract §2).
 */
export * from './difference.js';
export * from './distributions.js';
export * from './fixed-horizon.js';
export * from './gate-types.js';
export * from './histogram.js';
export { judgeGate } from './judge-gate.js';
export * from './mann-whitney.js';
export * from './msprt.js';
export * from './sample-size.js';
export * from './slo.js';
export * from './srm.js';
export * from './tau.js';
export * from './types.js';
export { checkCount, checkCounts } from './validate.js';
