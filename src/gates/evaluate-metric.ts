/**
 * Judges one metric's series against its SLO over the judged window. Pure. The rules:
 * - a breach anywhere in the data fails the metric, whatever else is missing (a breach is never hidden);
 * - a value that is not a finite number is never a point (NaN, ±Infinity count as invalid);
 * - otherwise the window must be covered, or the verdict is `hold`: data present, nothing invalid, no
 *   provider warning, at least MIN_COVERAGE of the points the sampling interval calls for (the interval
 *   the plan or the provider states, never the rhythm of the points themselves), no gap longer than
 *   GAP_INTERVALS intervals, data reaching both ends;
 * - a judged window shorter than the sloWindow (a phase younger than its window) holds until covered.
 */
import { formatDuration, parseDuration } from '../plan/duration.js';
import type { MetricSpec } from '../plan/schema.js';
import type { Point } from '../providers/types.js';
import type { Criterion, MetricFinding, MetricObservation } from './types.js';

/** Gaps longer than this many sampling intervals leave the window uncovered. */
export const GAP_INTERVALS = 3;
/** A window must hold at least this share of the points its sampling interval calls for. */
export const MIN_COVERAGE = 0.9;
/** The sloWindow must span at least this many sampling intervals: two or three points are no verdict. */
export const MIN_INTERVALS = 4;

type Bound = { below?: number | undefined; above?: number | undefined };

export function describeBound(b: Bound | undefined, unit?: string): string {
  if (!b) return 'no SLO';
  const u = unit ? ` ${unit}` : '';
  const parts = [];
  if (b.above !== undefined) parts.push(`> ${b.above}${u}`);
  if (b.below !== undefined) parts.push(`< ${b.below}${u}`);
  return parts.join(' and ');
}

/** True when the value lies outside the bound (the bound is strict: `below: 500` means < 500). */
export function violates(v: number, b: Bound): boolean {
  return (b.below !== undefined && v >= b.below) || (b.above !== undefined && v <= b.above);
}

/** How far past the bound a value is (positive = outside), for picking the worst point. */
function excess(v: number, b: Bound): number {
  let e = -Infinity;
  if (b.below !== undefined) e = Math.max(e, v - b.below);
  if (b.above !== undefined) e = Math.max(e, b.above - v);
  return e;
}

// Trailing zeros go only after a decimal point: 600 stays "600", 0.500 becomes "0.5".
const trimZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
const fmt = (v: number) =>
  !Number.isFinite(v)
    ? String(v)
    : trimZeros(Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) || '0';
const iso = (t: number) => new Date(t).toISOString();

type EvaluateArgs = { metric: MetricSpec; observation: MetricObservation | undefined; windowLabel: string };

export function evaluateMetric(args: EvaluateArgs): Criterion {
  const c = judge(args);
  // The provider's caveat (e.g. whole-service data standing for a cohort) travels with the verdict.
  const note = args.observation?.series?.note;
  return note ? { ...c, detail: `${c.detail} (${note})` } : c;
}

function judge(args: EvaluateArgs): Criterion {
  const { metric, observation } = args;
  const unit = metric.unit;
  const u = unit ? ` ${unit}` : '';
  const slo = metric.slo;
  const base = { name: metric.name, kind: 'metric' as const };
  if (!observation) return noDataVerdict(metric, 'not measured');

  const { from, to } = observation;
  const span = to - from;
  const windowMs = observation.windowMs ?? span;
  // The phase is younger than the sloWindow: judged on what it has seen so far, and never passing yet.
  const partial = span < windowMs;
  const coveredAt = from + windowMs;
  const label = partial ? `${formatDuration(span)} of ${args.windowLabel}` : args.windowLabel;
  const finding: MetricFinding = {
    cohort: observation.cohort,
    unit,
    slo: describeBound(slo, unit),
    window: { from: iso(from), to: iso(to), label },
    points: 0,
    breaches: 0,
    invalid: 0,
  };
  if (partial) finding.coveredAt = iso(coveredAt);
  const coverage = `${label} at this traffic; the ${args.windowLabel} window is covered at ${iso(coveredAt)}`;
  const noData = (detail: string): Criterion => {
    const c = noDataVerdict(metric, partial ? `${detail} (${coverage})` : detail, finding);
    return partial && c.verdict === 'hold' ? { ...c, eligibleAt: iso(coveredAt) } : c;
  };
  // Problems of the plan or the provider's settings, not of the data: never a pass, and never a
  // failure that would set off the contingency.
  const cannotJudge = (detail: string): Criterion => ({ ...base, verdict: 'hold', detail, metric: finding });

  if (observation.error !== undefined) return noData(`no data: ${observation.error}`);
  const series = observation.series!;
  // A value that is not a finite number (NaN, ±Infinity) is never a point, whatever the adapter let through.
  const pts: Point[] = [];
  let nonFinite = 0;
  // providers answer in time order, as a rule: then sorting (a comparator call per point) is skipped
  let sorted = true;
  for (let i = 0; i < series.points.length; i++) {
    const p = series.points[i]!;
    if (!(p.t >= from && p.t <= to)) continue;
    if (Number.isFinite(p.v)) {
      if (pts.length > 0 && p.t < pts[pts.length - 1]!.t) sorted = false;
      pts.push(p);
    } else nonFinite++;
  }
  if (!sorted) pts.sort((a, b) => a.t - b.t);
  finding.points = pts.length;
  finding.invalid = series.invalid + nonFinite;
  if (pts.length > 0) {
    const last = pts[pts.length - 1]!;
    finding.last = { at: iso(last.t), value: last.v };
    finding.mean = pts.reduce((sum, p) => sum + p.v, 0) / pts.length;
  }

  // 1. A breach in whatever data there is fails the metric.
  if (slo) {
    let breaches = 0;
    let worst: Point | undefined;
    for (const p of pts) {
      if (violates(p.v, slo)) breaches++;
      if (worst === undefined || excess(p.v, slo) > excess(worst.v, slo)) worst = p;
    }
    finding.breaches = breaches;
    if (worst) finding.worst = { at: iso(worst.t), value: worst.v };
    if (breaches > 0 && worst) {
      const severe = metric.severe && violates(worst.v, metric.severe);
      return {
        ...base,
        verdict: 'fail',
        level: severe ? 'severe' : metric.onBreach,
        detail:
          `${fmt(worst.v)}${u} at ${iso(worst.t)} breaks the SLO ${describeBound(slo, unit)}; ` +
          `${breaches} of ${pts.length} points outside over ${label}` +
          (severe ? ` (past the severe bound ${describeBound(metric.severe, unit)})` : ''),
        metric: finding,
      };
    }
  }

  // 2. Otherwise the window must be covered by trustworthy data, at the interval the plan or the provider states.
  const interval = metric.interval ? parseDuration(metric.interval) : series.stepMs;
  if (interval === undefined || !(interval > 0)) {
    if (pts.length === 0) return noData(`no data in the last ${label} (${observation.cohort})`);
    return cannotJudge(
      `the sampling interval of ${metric.name} is unknown, so the points its window needs cannot be counted; declare \`interval\` on the metric (or on its provider)`,
    );
  }
  finding.intervalMs = interval;
  const allowed = interval * GAP_INTERVALS;
  if (windowMs < interval * MIN_INTERVALS) {
    return cannotJudge(
      `sampling every ${formatDuration(interval)} is too coarse to judge a ${args.windowLabel} window: a verdict needs at least ${MIN_INTERVALS} intervals per window; lengthen sloWindow or sample more often`,
    );
  }
  const expected = Math.floor(span / interval) + 1;
  finding.expectedPoints = expected;
  const counted = `${pts.length} of ${expected} expected points (every ${formatDuration(interval)})`;
  if (partial && span <= allowed) {
    // Too early to expect data: the phase was entered moments ago.
    return {
      ...base,
      verdict: 'hold',
      detail: `${counted} so far: ${coverage}`,
      eligibleAt: iso(coveredAt),
      metric: finding,
    };
  }
  if (pts.length === 0) return noData(`no data in the last ${label} (${observation.cohort})`);
  if (finding.invalid > 0) return noData(`${finding.invalid} point(s) were NaN or not numbers; ${pts.length} valid`);
  if (series.warnings && series.warnings.length > 0)
    return noData(`the provider warned: ${series.warnings.join('; ')}`);
  const needed = Math.max(1, Math.ceil(expected * MIN_COVERAGE));
  const lead = pts[0]!.t - from;
  const tail = to - pts[pts.length - 1]!.t;
  // A loop, not Math.max(...gaps): a window may hold more points than a call has room for arguments.
  let maxGap = 0;
  let maxGapAt = 0;
  for (let i = 1; i < pts.length; i++) {
    const gap = pts[i]!.t - pts[i - 1]!.t;
    if (gap > maxGap) {
      maxGap = gap;
      maxGapAt = i - 1;
    }
  }
  finding.largestGapMs = Math.max(lead, tail, maxGap);
  const sparse =
    pts.length < needed ? `only ${counted} in the last ${label}; at least ${needed} are needed` : undefined;
  // Every coverage problem says how many points the window holds against how many it calls for.
  const uncovered = (problem: string) => noData(sparse ? `${problem}; ${sparse}` : `${problem}; ${counted}`);
  if (lead > allowed)
    return uncovered(
      `data starts ${formatDuration(lead)} into the ${label} window (at ${iso(pts[0]!.t)}); the window is not covered yet`,
    );
  if (tail > allowed)
    return uncovered(
      `no data for the last ${formatDuration(tail)} (last point ${iso(pts[pts.length - 1]!.t)}); data is stale`,
    );
  if (maxGap > allowed)
    return uncovered(
      `a ${formatDuration(maxGap)} gap in the data after ${iso(pts[maxGapAt]!.t)} (sampling every ${formatDuration(interval)})`,
    );
  if (sparse) return noData(sparse);

  if (!slo) {
    return {
      ...base,
      verdict: 'pass',
      detail: `last ${fmt(finding.last!.value)}${u}, mean ${fmt(finding.mean!)}${u} over ${label}; ${pts.length} of ${expected} expected points, every ${formatDuration(interval)} (no SLO: reported only)`,
      metric: finding,
    };
  }
  const within = `worst ${fmt(finding.worst!.value)}${u} within ${describeBound(slo, unit)} over ${label}; ${counted}`;
  if (partial)
    return { ...base, verdict: 'hold', detail: `${within}; ${coverage}`, eligibleAt: iso(coveredAt), metric: finding };
  return { ...base, verdict: 'pass', detail: within, metric: finding };
}

/** Missing or untrustworthy data: `hold`, or `fail` at the metric's onBreach level when the plan says `onNoData: fail`. */
function noDataVerdict(metric: MetricSpec, detail: string, finding?: MetricFinding): Criterion {
  const base = { name: metric.name, kind: 'metric' as const };
  return metric.onNoData === 'fail'
    ? { ...base, verdict: 'fail', level: metric.onBreach, detail: `${detail} (onNoData: fail)`, metric: finding }
    : { ...base, verdict: 'hold', detail, metric: finding };
}
