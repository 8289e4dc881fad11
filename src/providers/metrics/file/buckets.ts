/**
 * Histogram buckets from a metrics file (contract §4): the series `NAME{le="0.5"}` … `NAME{le="+Inf"}`
 * hold per-interval counts of one cohort, cumulative in `le`; a bucket's count is the sum of its rows
 * since the phase was entered. Every bucket must cover the same intervals (a missing row would bias
 * the shares), else the whole histogram is invalid; a value that is not a number makes its bucket NaN.
 */
import type { BucketCount } from '../../types.js';
import type { MetricTable } from './rows.js';

const LE = /^(.*)\{le="([^"]*)"\}$/;

export function fileBuckets(
  table: MetricTable,
  q: { query: string; cohort: 'canary' | 'control'; from: number; to: number },
): BucketCount[] | undefined {
  const out: BucketCount[] = [];
  let covered: string | undefined;
  let partial = false;
  for (const [name, byCohort] of table.series) {
    const m = LE.exec(name);
    if (!m || m[1] !== q.query) continue;
    const cols = byCohort.get(q.cohort);
    if (!cols) continue;
    let sum = 0;
    const times: number[] = [];
    for (let i = 0; i < cols.t.length; i++) {
      const t = cols.t[i]!;
      if (t < q.from || t > q.to) continue;
      times.push(t);
      sum += cols.v[i]!; // NaN (a value that is not a number) stays NaN: the engine judges it invalid
    }
    if (times.length === 0) continue;
    const key = times.sort((a, b) => a - b).join(',');
    if (covered === undefined) covered = key;
    else if (covered !== key) partial = true;
    out.push({ le: m[2]!, count: sum });
  }
  if (out.length === 0) return undefined;
  // partial coverage: every bucket NaN, so the histogram is judged invalid and never passes
  return partial ? out.map((b) => ({ le: b.le, count: Number.NaN })) : out;
}
