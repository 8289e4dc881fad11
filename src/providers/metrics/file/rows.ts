/**
 * The metrics file: CSV `timestamp,metric,cohort,value` or JSON of the same rows, grouped by metric
 * and cohort as it is read. The CSV reader is hand-written: four unquoted columns of names and
 * numbers need no CSV library, a strict reader reports a malformed row by its line instead of
 * guessing, and scanning with indexOf keeps `rollout status` fast on a large history.
 *
 * Besides the rows of the window a run judges, the reader measures how often each series is sampled
 * over the WHOLE file: the gate counts a window's points against that interval, so a series thinned
 * to a few points in the window is never judged by its own sparse rhythm.
 */
import { LOOKS_ISO, readIsoTime } from '../../../iso-time.js';
import { jsonErrorAt } from '../../file-text.js';

export interface Columns {
  /** epoch ms */
  t: number[];
  /** NaN when the value is empty or not a finite number */
  v: number[];
}

export interface MetricTable {
  /** metric -> cohort ('' for the whole service) -> the rows inside the window kept */
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

/** Collects the rows kept, and every row's time for the spacing of its series. */
class TableBuilder {
  readonly series = new Map<string, Map<string, Columns>>();
  private readonly times = new Map<string, Map<string, number[]>>();

  seen(metric: string, cohort: string, t: number): void {
    let byCohort = this.times.get(metric);
    if (!byCohort) {
      byCohort = new Map();
      this.times.set(metric, byCohort);
    }
    let ts = byCohort.get(cohort);
    if (!ts) {
      ts = [];
      byCohort.set(cohort, ts);
    }
    ts.push(t);
  }

  keep(metric: string, cohort: string, t: number, v: number): void {
    let byCohort = this.series.get(metric);
    if (!byCohort) {
      byCohort = new Map();
      this.series.set(metric, byCohort);
    }
    let cols = byCohort.get(cohort);
    if (!cols) {
      cols = { t: [] as number[], v: [] as number[] };
      byCohort.set(cohort, cols);
    }
    cols.t.push(t);
    cols.v.push(v);
  }

  build(): MetricTable {
    const spacing = new Map<string, Map<string, number>>();
    const cohorts = new Map<string, Set<string>>();
    const all: number[] = [];
    for (const [metric, byCohort] of this.times) {
      cohorts.set(metric, new Set(byCohort.keys()));
      const out = new Map<string, number>();
      for (const [cohort, ts] of byCohort) {
        const s = seriesSpacing(ts);
        if (s !== undefined) {
          out.set(cohort, s);
          all.push(s);
        }
      }
      spacing.set(metric, out);
    }
    return { series: this.series, cohorts, spacing, typicalMs: median(all) };
  }
}

/** Median of a list of numbers, without spreading it into arguments (a file may hold millions of rows). */
function median(xs: ArrayLike<number>): number | undefined {
  if (xs.length === 0) return undefined;
  const s = Float64Array.from(xs).sort();
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median time between consecutive distinct samples of one series, or undefined with fewer than two. */
function seriesSpacing(ts: number[]): number | undefined {
  const sorted = Float64Array.from(ts).sort();
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i]! - sorted[i - 1]!;
    if (d > 0) gaps.push(d);
  }
  return median(gaps);
}

const unquote = (s: string) => {
  const x = s.trim();
  return x.length >= 2 && x.startsWith('"') && x.endsWith('"') ? x.slice(1, -1) : x;
};

/** Rows outside `window` (epoch ms, inclusive) are checked but not kept: a gate reads one window. */
export function parseCsv(text: string, file: string, window?: { from: number; to: number }): MetricTable {
  const firstEnd = text.indexOf('\n');
  const header = (firstEnd < 0 ? text : text.slice(0, firstEnd)).trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'timestamp,metric,cohort,value') {
    // the path may point at any file: say what is wrong, never what it holds
    throw new RowError(`${file}:1:1 is not a metrics CSV: the header must be "timestamp,metric,cohort,value"`);
  }
  const table = new TableBuilder();
  // Rows of one sampling instant share a timestamp: parse each distinct one once.
  const times = new Map<string, number>();
  let line = 1;
  let pos = firstEnd < 0 ? text.length : firstEnd + 1;
  while (pos < text.length) {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop > pos && text.charCodeAt(pos) !== 35 /* # */) {
      const c1 = text.indexOf(',', pos);
      const c2 = c1 < 0 || c1 >= stop ? -1 : text.indexOf(',', c1 + 1);
      const c3 = c2 < 0 || c2 >= stop ? -1 : text.indexOf(',', c2 + 1);
      const extra = c3 < 0 || c3 >= stop ? -1 : text.indexOf(',', c3 + 1);
      if (c3 < 0 || c3 >= stop || (extra >= 0 && extra < stop)) {
        if (text.slice(pos, stop).trim() !== '') {
          const cols = text.slice(pos, stop).split(',').length;
          throw new RowError(`${file}:${line}:1 expected 4 columns, found ${cols}`);
        }
      } else {
        const ts = text.slice(pos, c1);
        let t = times.get(ts);
        if (t === undefined) {
          const r = readTimestamp(unquote(ts));
          if (!r.ok) throw new RowError(`${file}:${line}:1 ${r.reason}`);
          t = r.ms;
          times.set(ts, t);
        }
        const metric = unquote(text.slice(c1 + 1, c2));
        const cohort = unquote(text.slice(c2 + 1, c3));
        table.seen(metric, cohort, t);
        if (!window || (t >= window.from && t <= window.to))
          table.keep(metric, cohort, t, readNumber(unquote(text.slice(c3 + 1, stop))));
      }
    }
    pos = end + 1;
  }
  return table.build();
}

export function parseJson(text: string, file: string, window?: { from: number; to: number }): MetricTable {
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
    table.seen(row['metric'], cohort, ts.ms);
    if (window && (ts.ms < window.from || ts.ms > window.to)) return;
    table.keep(row['metric'], cohort, ts.ms, readNumber(row['value']));
  });
  return table.build();
}
