/**
 * Rows of the metrics file: CSV `timestamp,metric,cohort,value` or JSON of the same rows.
 * The CSV reader is hand-written: four unquoted columns of names and numbers need no CSV library,
 * and a strict reader reports a malformed row by its line instead of guessing.
 */
export interface MetricRow {
  t: number;
  metric: string;
  cohort: string;
  /** NaN when the value is empty or not a number */
  value: number;
}

export class RowError extends Error {}

export function parseTimestamp(raw: unknown): number {
  if (typeof raw === 'number') return raw * 1000;
  const s = String(raw).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const t = Date.parse(s);
  return t;
}

export function parseCsvRows(text: string, file: string): MetricRow[] {
  const lines = text.split('\n');
  const header = lines[0]?.trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'timestamp,metric,cohort,value') {
    throw new RowError(`${file}:1:1 the header must be "timestamp,metric,cohort,value" (found "${lines[0]?.slice(0, 60) ?? ''}")`);
  }
  const rows: MetricRow[] = [];
  // Rows of one sampling instant share a timestamp: parse each distinct one once.
  const times = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line === '' || line.startsWith('#') || !line.trim()) continue;
    const cols = line.split(',');
    if (cols.length !== 4) throw new RowError(`${file}:${i + 1}:1 expected 4 columns, found ${cols.length}`);
    const [ts, metric, cohort, value] = (line.includes('"') || line.includes(' ') ? cols.map((c) => c.trim().replace(/^"(.*)"$/, '$1')) : cols) as [string, string, string, string];
    let t = times.get(ts);
    if (t === undefined) {
      t = parseTimestamp(ts);
      times.set(ts, t);
    }
    if (!Number.isFinite(t)) throw new RowError(`${file}:${i + 1}:1 "${ts}" is not an ISO-8601 time or unix seconds`);
    rows.push({ t, metric, cohort, value: value === '' ? NaN : Number(value) });
  }
  return rows;
}

export function parseJsonRows(text: string, file: string): MetricRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new RowError(`${file} is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(doc)) throw new RowError(`${file} must hold a JSON list of {timestamp, metric, cohort, value} rows`);
  return doc.map((r: unknown, i) => {
    const row = r as Record<string, unknown>;
    const t = parseTimestamp(row?.['timestamp']);
    if (!row || typeof row !== 'object' || typeof row['metric'] !== 'string' || !Number.isFinite(t)) {
      throw new RowError(`${file}: row ${i} needs a timestamp and a metric`);
    }
    const v = row['value'];
    return { t, metric: row['metric'], cohort: typeof row['cohort'] === 'string' ? row['cohort'] : '', value: typeof v === 'number' ? v : v === null || v === undefined || v === '' ? NaN : Number(v) };
  });
}
