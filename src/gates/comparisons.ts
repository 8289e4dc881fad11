/**
 * Canary-vs-control comparisons in the gate (statistics.md §8, contract §4): builds the engine's
 * input from the plan and the counts since phase entry, and maps its result onto criteria. Pure:
 * the engine (`judgeGate`, src/stats) is an argument, so it loads only when a plan has comparisons.
 */
import type { MetricSpec as Metric, Plan } from '../plan/schema.js';
import type { ComparisonInput, ComparisonResult, GateInput, GateStatsResult } from '../stats/gate-types.js';
import type { Counts } from '../stats/types.js';
import type { ComparisonFinding, CountObservations, PhaseStatsMemory, RatioCounts } from './comparison-types.js';
import type { Criterion } from './types.js';

export type JudgeGate = (input: GateInput) => GateStatsResult;

/** The metrics judged on counts: `ratio` and `histogram` metrics with a `compare` or an `slo`. */
export function comparedMetrics(plan: Plan): Metric[] {
  return plan.metrics.filter((m) => m.kind !== 'value' && (m.compare !== undefined || m.slo !== undefined));
}

export function hasComparisons(plan: Plan): boolean {
  return comparedMetrics(plan).length > 0;
}

const HORIZON_HOURS = 72;
/** The SLO check of a ratio metric has its own name in the engine, beside the comparison. */
const sloName = (m: Metric) => `${m.name} (slo)`;

function counts(c: RatioCounts['canary']): Counts | undefined {
  if (c.events === undefined || c.total === undefined) return undefined;
  return { events: c.events, total: c.total };
}

/** τ² fixed at the first look where the control has enough units (§3.4), from its rate and the planned horizon. */
function tauFor(args: {
  name: string;
  control: Counts | undefined;
  canary: Counts | undefined;
  elapsedHours: number;
  horizonHours: number;
  minSamples: number;
  alpha: number;
  known: Record<string, number>;
}): { tau: { tau2: number } | { baselineRate: number; horizon: { canary: number; control: number } }; fixed: boolean } {
  const known = args.known[args.name];
  if (known !== undefined && Number.isFinite(known) && known > 0) return { tau: { tau2: known }, fixed: false };
  const { control, canary } = args;
  const ok = (c: Counts | undefined): c is Counts =>
    c !== undefined && Number.isFinite(c.total) && Number.isFinite(c.events) && c.total >= args.minSamples;
  if (!ok(control) || !ok(canary) || !(args.elapsedHours > 0) || control.events < 0 || control.events > control.total)
    // judged no-data or insufficient by the engine anyway: a placeholder never persisted
    return { tau: { tau2: 1e-4 }, fixed: false };
  const scale = Math.max(1, args.horizonHours / args.elapsedHours);
  const baselineRate = (control.events + 1) / (control.total + 2);
  return {
    tau: { baselineRate, horizon: { canary: canary.total * scale, control: control.total * scale } },
    fixed: true,
  };
}

export function buildGateInput(args: {
  plan: Plan;
  traffic: number;
  minDurationMs: number;
  counts: CountObservations;
  prior: PhaseStatsMemory | undefined;
}): { input: GateInput; toFix: string[] } {
  const { plan, counts: obs } = args;
  const analysis = plan.analysis;
  const alpha = analysis?.alpha ?? 0.05;
  const minSamples = analysis?.minSamples ?? 100;
  const horizonHours = Math.max(HORIZON_HOURS, args.minDurationMs / 3_600_000);
  const known = args.prior?.tau2 ?? {};
  const toFix: string[] = [];
  const comparisons: ComparisonInput[] = [];
  for (const m of comparedMetrics(plan)) {
    const c = obs.metrics[m.name];
    const canary = c ? counts(c.canary) : undefined;
    const control = c ? counts(c.control) : undefined;
    if (m.compare) {
      const t = tauFor({
        name: m.name,
        control,
        canary,
        elapsedHours: obs.elapsedHours,
        horizonHours,
        minSamples,
        alpha,
        known,
      });
      if (t.fixed) toFix.push(m.name);
      const common = {
        name: m.name,
        passMargin: margin(m.compare.passMargin) ?? { kind: 'absolute' as const, value: 0 },
        failThreshold: margin(m.compare.failThreshold),
        tau: t.tau,
      };
      comparisons.push(
        m.kind === 'histogram'
          ? {
              ...common,
              kind: 'exceedance',
              threshold: m.threshold ?? Number.NaN,
              canary: c?.buckets?.canary,
              control: c?.buckets?.control,
            }
          : { ...common, kind: 'ratio', better: m.compare.better, canary, control },
      );
    }
    if (m.slo) {
      const limit = m.slo.below !== undefined ? { below: m.slo.below } : { above: m.slo.above! };
      const horizon =
        canary && canary.total > 0 && obs.elapsedHours > 0 ? (canary.total * horizonHours) / obs.elapsedHours : 0;
      const tau2 = known[sloName(m)];
      if (tau2 === undefined && horizon >= minSamples) toFix.push(sloName(m));
      comparisons.push({
        kind: 'slo',
        name: sloName(m),
        limit,
        canary: m.kind === 'histogram' ? { buckets: c?.buckets?.canary, threshold: m.threshold ?? Number.NaN } : canary,
        tau: tau2 !== undefined ? { tau2 } : horizon >= minSamples ? { horizon } : { tau2: 1e-4 },
      });
    }
  }
  const e = obs.exposure;
  const exposure = e === undefined ? undefined : { canary: e.canary ?? Number.NaN, control: e.control ?? Number.NaN };
  return {
    input: {
      comparisons,
      analysis: { alpha, srmAlpha: analysis?.srmAlpha ?? 0.001, minSamples },
      exposure,
      canaryShare: args.traffic / 100,
      elapsedHours: obs.elapsedHours,
      memory: args.prior?.memory,
    },
    toFix,
  };
}

function margin(v: number | string | undefined) {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return { kind: 'absolute' as const, value: v };
  return { kind: 'relative' as const, value: Number(v.replace('%', '')) / 100 };
}

const pct = (x: number) => `${(x * 100).toPrecision(3)} %`;
const num = (x: number | null) => (x === null ? '—' : Math.abs(x) >= 0.01 ? x.toFixed(4) : x.toPrecision(3));

function finding(r: ComparisonResult, srm: GateStatsResult['srm']): ComparisonFinding {
  return {
    status: r.status,
    estimate: r.estimate,
    relativeEstimate: r.relativeEstimate,
    interval: r.interval,
    pValue: r.pValue,
    minPValue: r.minPValue,
    samples: r.samples,
    rates: r.rates,
    thresholds: r.thresholds,
    needed: r.needed ?? undefined,
    fixedHorizon: r.fixedHorizon
      ? { z: r.fixedHorizon.z, pValue: r.fixedHorizon.pValue, validUnderRepeatedLooks: false }
      : undefined,
    srm: {
      status: srm.status,
      observed: srm.observed,
      expectedShare: srm.expectedShare,
      pValue: srm.pValue,
      minPValue: srm.minPValue,
      chiSquarePValue: srm.chiSquare?.pValue ?? null,
    },
    approximations: r.approximations,
  };
}

/** One line with the numbers: estimate (absolute, relative), interval, p, samples, SRM, time to go. */
export function describeComparison(f: ComparisonFinding, isSlo: boolean): string {
  const parts: string[] = [];
  if (f.estimate !== null) {
    const rel = f.relativeEstimate === null ? '' : ` (${f.relativeEstimate >= 0 ? '+' : ''}${pct(f.relativeEstimate)})`;
    parts.push(isSlo ? `rate ${num(f.estimate)}` : `canary − control ${num(f.estimate)}${rel}`);
  }
  if (f.interval) parts.push(`always-valid interval [${num(f.interval[0])}, ${num(f.interval[1])}]`);
  if (f.pValue !== null) parts.push(`p = ${num(f.pValue)}`);
  parts.push(`samples canary ${f.samples.canary ?? '—'}${isSlo ? '' : `, control ${f.samples.control ?? '—'}`}`);
  if (f.srm && f.srm.status !== 'not-checked')
    parts.push(`SRM ${f.srm.status}${f.srm.pValue !== null ? ` (p = ${num(f.srm.pValue)})` : ''}`);
  if (f.status !== 'pass' && f.status !== 'fail' && f.needed) parts.push(f.needed.text);
  return parts.join('; ');
}

/** What a histogram's rate is: the share of observations slower than its threshold. */
const slowShare = (m: Metric | undefined) =>
  m?.kind === 'histogram' ? `share slower than ${m.threshold}${m.unit ? ` ${m.unit}` : ''}: ` : '';

/** Criteria for the comparisons (one per comparison, and one for a sample-ratio mismatch). */
export function comparisonCriteria(plan: Plan, result: GateStatsResult): Criterion[] {
  const byName = new Map(comparedMetrics(plan).flatMap((m) => [[m.name, m] as const, [sloName(m), m] as const]));
  const out: Criterion[] = result.comparisons.map((r) => {
    const m = byName.get(r.name);
    const f = finding(r, result.srm);
    const isSlo = r.kind === 'slo';
    const head =
      r.status === 'fail'
        ? `proven harm: ${r.reasons[0] ?? 'the interval lies past the fail threshold'}`
        : r.status === 'pass'
          ? `no harm beyond the pass margin`
          : r.status === 'inconclusive'
            ? `not proven either way`
            : `${r.status}: ${r.reasons[0] ?? 'no valid counts'}`;
    // a comparison passes only beside a sample-ratio check that is fine (or not asked for)
    const srmFine = result.srm.status === 'ok' || result.srm.status === 'not-checked';
    const verdict = r.status === 'fail' ? 'fail' : r.status === 'pass' && srmFine ? 'pass' : 'hold';
    return {
      name: r.name,
      kind: 'metric',
      verdict,
      level: verdict === 'fail' ? (m?.onBreach ?? 'moderate') : undefined,
      detail: `${head}; ${slowShare(m)}${describeComparison(f, isSlo)}`,
      comparison: f,
    };
  });
  if (result.srm.status === 'mismatch' || result.srm.status === 'invalid' || result.srm.status === 'no-data')
    out.push({
      name: 'sample-ratio',
      kind: 'metric',
      verdict: 'hold',
      detail: `sample ratio ${result.srm.status}: ${result.srm.reasons[0] ?? ''}`.trim(),
    });
  return out;
}
