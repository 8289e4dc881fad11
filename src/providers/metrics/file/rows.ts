/**
 * The metrics file: CSV `timestamp,metric,cohort,value` or JSON of the same rows, grouped by metric
 * and cohort as it is read. The CSV reader is hand-written: four unquoted columns of names and
 * numbers need no CSV library, a strict reader reports a malformed row by its line instead of
 * guessing, and scanning with indexOf keeps `rollout status` fast on a large history.
 */
import { jsonErrorAt } from '../../file-text.js';

export interface Columns {
  /** epoch ms */
  t: number[];
  /** NaN when the value is empty or not a number */
  v: number[];
}

/** metric -> cohort ('' for the whole service) -> columns */
export type MetricTable = Map<string, Map<string, Columns>>;

export class RowError extends Error {}

export function parseTimestamp(raw: unknown): number {
  if (typeof raw === 'number') return raw * 1000;
  const s = String(raw).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  return Date.parse(s);
}

function add(table: MetricTable, metric: string, cohort: string, t: number, v: number): void {
  let byCohort = table.get(metric);
  if (!byCohort) table.set(metric, (byCohort = new Map()));
  let cols = byCohort.get(cohort);
  if (!cols) byCohort.set(cohort, (cols = { t: [], v: [] }));
  cols.t.push(t);
  cols.v.push(v);
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
  const table: MetricTable = new Map();
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
          t = parseTimestamp(unquote(ts));
          if (!Number.isFinite(t)) throw new RowError(`${file}:${line}:1 "${ts}" is not an ISO-8601 time or unix seconds`);
          times.set(ts, t);
        }
        if (window && (t < window.from || t > window.to)) {
          pos = end + 1;
          continue;
        }
        const raw = text.slice(c3 + 1, stop).trim();
        add(table, unquote(text.slice(c1 + 1, c2)), unquote(text.slice(c2 + 1, c3)), t, raw === '' ? NaN : Number(unquote(raw)));
      }
    }
    pos = end + 1;
  }
  return table;
}

export function parseJson(text: string, file: string, window?: { from: number; to: number }): MetricTable {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RowError(`${file} is not valid JSON (${jsonErrorAt(e, text)})`);
  }
  if (!Array.isArray(doc)) throw new RowError(`${file} must hold a JSON list of {timestamp, metric, cohort, value} rows`);
  const table: MetricTable = new Map();
  doc.forEach((r: unknown, i) => {
    const row = r as Record<string, unknown>;
    const t = row && typeof row === 'object' ? parseTimestamp(row['timestamp']) : NaN;
    if (!row || typeof row !== 'object' || typeof row['metric'] !== 'string' || !Number.isFinite(t)) {
      throw new RowError(`${file}: row ${i} needs a timestamp and a metric`);
    }
    if (window && (t < window.from || t > window.to)) return;
    const v = row['value'];
    add(table, row['metric'], typeof row['cohort'] === 'string' ? row['cohort'] : '', t, typeof v === 'number' ? v : v === null || v === undefined || v === '' ? NaN : Number(v));
  });
  return table;
}
