/**
 * Judges one metric's series against its SLO over the window. Pure. The rules:
 * a breach anywhere in the data fails the metric, whatever else is missing (a breach is never hidden);
 * otherwise the window must be covered (no missing series, no NaN, no provider warning, no gap longer
 * than GAP_INTERVALS sampling intervals, data reaching both ends) or the verdict is `hold`.
 */
import { formatDuration, parseDuration } from '../plan/duration.js';
import type { MetricSpec } from '../plan/schema.js';
import type { Point } from '../providers/types.js';
import type { Criterion, MetricFinding, MetricObservation } from './types.js';

/** Gaps longer than this many sampling intervals leave the window uncovered. */
export const GAP_INTERVALS = 3;

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// Trailing zeros go only after a decimal point: 600 stays "600", 0.500 becomes "0.5".
const trimZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
const fmt = (v: number) => trimZeros(Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) || '0';
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
  const noData = (detail: string, finding?: MetricFinding): Criterion =>
    metric.onNoData === 'fail'
      ? { ...base, verdict: 'fail', level: metric.onBreach, detail: `${detail} (onNoData: fail)`, metric: finding }
      : { ...base, verdict: 'hold', detail, metric: finding };

  if (!observation) return noData('not measured');
  const window = { from: iso(observation.from), to: iso(observation.to), label: args.windowLabel };
  const finding: MetricFinding = { cohort: observation.cohort, unit, slo: describeBound(slo, unit), window, points: 0, breaches: 0, invalid: 0 };
  if (observation.error !== undefined) return noData(`no data: ${observation.error}`, finding);
  const series = observation.series!;
  const pts: Point[] = series.points.filter((p) => p.t >= observation.from && p.t <= observation.to).sort((a, b) => a.t - b.t);
  finding.points = pts.length;
  finding.invalid = series.invalid;
  if (pts.length > 0) {
    finding.last = { at: iso(pts[pts.length - 1]!.t), value: pts[pts.length - 1]!.v };
    finding.mean = pts.reduce((s, p) => s + p.v, 0) / pts.length;
  }

  // 1. A breach in whatever data there is fails the metric.
  if (slo) {
    const breaches = pts.filter((p) => violates(p.v, slo));
    finding.breaches = breaches.length;
    const worst = pts.reduce<Point | undefined>((w, p) => (w === undefined || excess(p.v, slo) > excess(w.v, slo) ? p : w), undefined);
    if (worst) finding.worst = { at: iso(worst.t), value: worst.v };
    if (breaches.length > 0 && worst) {
      const severe = metric.severe && violates(worst.v, metric.severe);
      return {
        ...base,
        verdict: 'fail',
        level: severe ? 'severe' : metric.onBreach,
        detail:
          `${fmt(worst.v)}${u} at ${iso(worst.t)} breaks the SLO ${describeBound(slo, unit)}; ` +
          `${breaches.length} of ${pts.length} points outside over ${args.windowLabel}` +
          (severe ? ` (past the severe bound ${describeBound(metric.severe, unit)})` : ''),
        metric: finding,
      };
    }
  }

  // 2. Otherwise the window must be covered by trustworthy data.
  if (pts.length === 0) return noData(`no data in the last ${args.windowLabel} (${observation.cohort})`, finding);
  if (series.invalid > 0) return noData(`${series.invalid} point(s) were NaN or not numbers; ${pts.length} valid`, finding);
  if (series.warnings && series.warnings.length > 0) return noData(`the provider warned: ${series.warnings.join('; ')}`, finding);
  const gaps = pts.slice(1).map((p, i) => p.t - pts[i]!.t);
  const declared = metric.interval ? parseDuration(metric.interval) : undefined;
  const interval = declared ?? series.stepMs ?? (gaps.length > 0 ? median(gaps) : undefined);
  if (interval === undefined || interval <= 0) return noData(`only ${pts.length} point in the last ${args.windowLabel}; too few to cover the window`, finding);
  finding.intervalMs = interval;
  const allowed = interval * GAP_INTERVALS;
  const lead = pts[0]!.t - observation.from;
  const tail = observation.to - pts[pts.length - 1]!.t;
  const largest = Math.max(lead, tail, ...gaps);
  finding.largestGapMs = largest;
  if (lead > allowed) return noData(`data starts ${formatDuration(lead)} into the ${args.windowLabel} window (at ${iso(pts[0]!.t)}); the window is not covered yet`, finding);
  if (tail > allowed) return noData(`no data for the last ${formatDuration(tail)} (last point ${iso(pts[pts.length - 1]!.t)}); data is stale`, finding);
  const maxGap = Math.max(0, ...gaps);
  if (maxGap > allowed) {
    const i = gaps.indexOf(maxGap);
    return noData(`a ${formatDuration(maxGap)} gap in the data after ${iso(pts[i]!.t)} (sampling every ${formatDuration(interval)})`, finding);
  }
  if (!slo) {
    return { ...base, verdict: 'pass', detail: `last ${fmt(finding.last!.value)}${u}, mean ${fmt(finding.mean!)}${u} over ${args.windowLabel}; ${pts.length} points (no SLO: reported only)`, metric: finding };
  }
  return {
    ...base,
    verdict: 'pass',
    detail: `worst ${fmt(finding.worst!.value)}${u} within ${describeBound(slo, unit)} over ${args.windowLabel}; ${pts.length} points, every ${formatDuration(interval)}`,
    metric: finding,
  };
}
