/**
 * The rows of a metrics file (CSV `timestamp,metric,cohort,value` or JSON of the same rows), grouped
 * by metric and cohort as they are read: the value readers both formats share, and the table they
 * fill. The file is read in one pass (read.ts), each row parsed once and kept as two numbers.
 *
 * Besides the rows, the table measures how often each series is sampled over the WHOLE file: the
 * gate counts a window's points against that interval, so a series thinned to a few points in the
 * window is never judged by its own sparse rhythm.
 */
import { LOOKS_ISO, readIsoTime } from '../../../iso-time.js';
import { jsonErrorAt } from '../../file-text.js';
import { median, SpacingTracker } from './spacing.js';

export interface Columns {
  /** epoch ms, in file order */
  t: Float64Array;
  /** NaN when the value is empty or not a finite number */
  v: Float64Array;
}

export interface MetricTable {
  /** metric -> cohort ('' for the whole service) -> every row of that series */
  series: Map<string, Map<string, Columns>>;
  /** metric -> the cohorts that have rows anywhere in the file */
  cohorts: Map<string, Set<string>>;
  /** metric -> cohort -> the median spacing (ms) of that series over the whole file */
  spacing: Map<string, Map<string, number>>;
  /** the file's typical sampling interval: the median of its series' spacings */
  typicalMs?: number | undefined;
}

export class RowError extends Error {}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const UNIX_SECONDS = /^\d+(\.\d+)?$/;

/** Epoch ms from unix seconds (a number or a numeric string) or a strict ISO-8601 time (UTC when it has no offset). */
export function readTimestamp(raw: unknown): { ok: true; ms: number } | { ok: false; reason: string } {
  if (typeof raw === 'number')
    return Number.isFinite(raw) && raw >= 0
      ? { ok: true, ms: raw * 1000 }
      : { ok: false, reason: `${raw} is not a unix time in seconds` };
  if (typeof raw !== 'string') return { ok: false, reason: `${JSON.stringify(raw) ?? 'nothing'} is not a timestamp` };
  const s = raw.trim();
  if (UNIX_SECONDS.test(s)) return { ok: true, ms: Number(s) * 1000 };
  if (LOOKS_ISO.test(s)) return readIsoTime(s);
  return { ok: false, reason: `"${s.slice(0, 40)}" is not an ISO-8601 time or unix seconds` };
}

/** A finite number, or NaN: empty, blank, `NaN`, `Inf`, `1e999`, booleans and lists are not values. */
export function readNumber(raw: unknown): number {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : NaN;
  if (typeof raw !== 'string') return NaN;
  const s = raw.trim();
  if (!NUMBER.test(s)) return NaN;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

/** One series' rows in file order, in arrays that grow by doubling, and its sampling rhythm. */
class SeriesBuilder {
  t = new Float64Array(64);
  v = new Float64Array(64);
  n = 0;
  readonly rhythm = new SpacingTracker();

  add(t: number, v: number): void {
    if (this.n === this.t.length) {
      const t2 = new Float64Array(this.n * 2);
      const v2 = new Float64Array(this.n * 2);
      t2.set(this.t);
      v2.set(this.v);
      this.t = t2;
      this.v = v2;
    }
    this.t[this.n] = t;
    this.v[this.n++] = v;
    this.rhythm.add(t);
  }
}

/**
 * Collects every row of the file, once, as two numbers per row: a command asks several windows (the
 * gate's, the counts since the phase began, each phase's report), all answered from this one pass.
 */
export class TableBuilder {
  private readonly byMetric = new Map<string, Map<string, SeriesBuilder>>();

  /** The series of (metric, cohort), made on first sight; callers may keep it to skip the lookup. */
  series(metric: string, cohort: string): SeriesBuilder {
    let byCohort = this.byMetric.get(metric);
    if (!byCohort) {
      byCohort = new Map();
      this.byMetric.set(flat(metric), byCohort);
    }
    let s = byCohort.get(cohort);
    if (!s) {
      s = new SeriesBuilder();
      byCohort.set(flat(cohort), s);
    }
    return s;
  }

  build(): MetricTable {
    const series = new Map<string, Map<string, Columns>>();
    const spacing = new Map<string, Map<string, number>>();
    const cohorts = new Map<string, Set<string>>();
    const all: number[] = [];
    for (const [metric, byCohort] of this.byMetric) {
      cohorts.set(metric, new Set(byCohort.keys()));
      const cols = new Map<string, Columns>();
      const out = new Map<string, number>();
      for (const [cohort, b] of byCohort) {
        cols.set(cohort, { t: b.t.subarray(0, b.n), v: b.v.subarray(0, b.n) });
        const s = b.rhythm.spacing();
        if (s !== undefined) {
          out.set(cohort, s);
          all.push(s);
        }
      }
      series.set(metric, cols);
      spacing.set(metric, out);
    }
    return { series, cohorts, spacing, typicalMs: median(all) };
  }
}

/** A copy of a name cut from a large chunk of text, so that keeping the name never keeps the chunk. */
const flat = (s: string): string => (s.length > 0 ? Buffer.from(s, 'utf8').toString('utf8') : s);

/** JSON rows are parsed whole: JSON.parse needs the whole text, and a JSON metrics file is a small one. */
export function parseJson(text: string, file: string): MetricTable {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RowError(`${file} is not valid JSON (${jsonErrorAt(e, text)})`);
  }
  if (!Array.isArray(doc))
    throw new RowError(`${file} must hold a JSON list of {timestamp, metric, cohort, value} rows`);
  const table = new TableBuilder();
  doc.forEach((r: unknown, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r))
      throw new RowError(`${file}: row ${i} is not a {timestamp, metric, cohort, value} object`);
    const row = r as Record<string, unknown>;
    if (typeof row['metric'] !== 'string') throw new RowError(`${file}: row ${i} needs a metric name`);
    const ts = readTimestamp(row['timestamp']);
    if (!ts.ok) throw new RowError(`${file}: row ${i}: ${ts.reason}`);
    const cohort = typeof row['cohort'] === 'string' ? row['cohort'] : '';
    table.series(row['metric'], cohort).add(ts.ms, readNumber(row['value']));
  });
  return table.build();
}
