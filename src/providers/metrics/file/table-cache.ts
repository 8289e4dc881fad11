/**
 * The parsed table of a metrics file, kept in the user's cache folder (AdapterContext.cache: HMAC-signed
 * entries, cli/plan-cache.ts), so that a command run on a schedule does not parse the same file again:
 * parsing the reference plan's 20 000 rows costs more than the rest of `rollout status`.
 *
 * One entry per metrics file (named by a digest of its path), overwritten when the file changes, so the
 * folder never fills up with old versions. An entry is used only when its stamp is the file's own:
 * the tool's version and the entry's format, the file's size, modification and change times, inode
 * and device, and a SHA-256 of every byte of it that matched when the entry was last verified.
 *
 * The bytes are read and hashed again unless the entry is settled: verified at least SETTLE_MS after
 * the file's last change (its ctime, which no user can set: a file edited to the same size with its
 * modification time put back by `touch -d` or utimes has a new one). A change after that verification
 * would give the file a later ctime, so the same stamp means the same bytes. This is git's rule for a
 * "racily clean" index entry: within the timestamps' granularity of the last change, only the bytes
 * can tell. Reading and hashing a 1 MB file is a few milliseconds of every start-up; a settled entry
 * skips it. An entry that does not verify, does not match or does not decode is a miss: the file is
 * parsed, as without a cache.
 *
 * What an entry holds: the metric and cohort names and the numbers of the table, nothing else (no
 * path, no setting), each number written so that it reads back as the same double (NaN, -0 and all):
 * a table from the cache is the parsed one.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { VERSION } from '../../../version.js';
import type { KeyedCache } from '../../types.js';
import type { Columns, MetricTable } from './rows.js';

/** Bump when the parser or this encoding changes what a table holds for the same bytes. */
const FORMAT = 3;
/** How long after a file's last change its entry must have been verified for its stat stamp to suffice. */
export const SETTLE_MS = 2000;
/** Larger files are parsed every time: their entry would be as large as the file and a hash of it cheap only by comparison. */
export const MAX_CACHED_BYTES = 32 * 1024 * 1024;

/**
 * The entry's body, JSON: the stamp, then per metric its name and per cohort [name, times, values,
 * spacing]. Times are runs [start, step, count, …] (a series sampled at a steady rhythm is one run);
 * a run is only used where start + k × step gives back each time exactly. Values are JSON numbers
 * written by String(), which reads back as the same double; NaN is null, -0 is written as -0.
 */
interface Body {
  /** statStamp() of the file when the entry was verified */
  stamp: string;
  /** SHA-256 of the file's bytes */
  sha: string;
  /** when (Date.now()) the bytes were last hashed and found to be these */
  verifiedAt: number;
  /** the spacing is left out when the series has none */
  series: [string, [string, number[], (number | null)[], (number | null)?][]][];
  typical?: number | null;
}

/** What stat says of the file (with the tool's version and the entry's format): what an entry must match. */
export function statStamp(st: Stats): string {
  return JSON.stringify([FORMAT, VERSION, st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev]);
}

/** The SHA-256 of the file's bytes as read. */
export function contentHash(bytes: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const b of bytes) hash.update(b);
  return hash.digest('hex');
}

/** Whether bytes hashed at `verifiedAt` are the file's bytes for as long as its stat stamp stays the same. */
export const settled = (st: Stats, verifiedAt: number): boolean =>
  verifiedAt - Math.max(st.mtimeMs, st.ctimeMs) >= SETTLE_MS;

const entryKey = (file: string): string =>
  `metrics-table-${createHash('sha256').update(file).digest('hex').slice(0, 32)}`;

/** A verified entry, not yet decoded. */
export interface CachedEntry {
  stamp: string;
  sha: string;
  verifiedAt: number;
  body: Body;
}

/** The entry of `file` when it verifies; undefined otherwise. */
export function readCachedEntry(cache: KeyedCache, file: string): CachedEntry | undefined {
  const text = cache.read(entryKey(file));
  if (text === undefined) return undefined;
  try {
    const body = JSON.parse(text) as Body;
    if (typeof body.stamp !== 'string' || typeof body.sha !== 'string' || !Number.isFinite(body.verifiedAt))
      return undefined;
    return { stamp: body.stamp, sha: body.sha, verifiedAt: body.verifiedAt, body };
  } catch {
    return undefined;
  }
}

/** The table an entry holds; undefined when it does not decode. */
export function decodeEntry(entry: CachedEntry): MetricTable | undefined {
  try {
    return decode(entry.body);
  } catch {
    return undefined;
  }
}

export function writeCachedTable(
  cache: KeyedCache,
  file: string,
  at: { stamp: string; sha: string; verifiedAt: number },
  table: MetricTable,
): void {
  try {
    cache.write(entryKey(file), encode(at, table));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
}

function encode(at: { stamp: string; sha: string; verifiedAt: number }, table: MetricTable): string {
  const metrics: string[] = [];
  for (const [metric, byCohort] of table.series) {
    const cohorts: string[] = [];
    for (const [cohort, cols] of byCohort) {
      const spacing = table.spacing.get(metric)?.get(cohort);
      const own = spacing === undefined ? '' : `,${num(spacing)}`;
      cohorts.push(`[${JSON.stringify(cohort)},[${runs(cols.t)}],[${Array.from(cols.v, num).join(',')}]${own}]`);
    }
    metrics.push(`[${JSON.stringify(metric)},[${cohorts.join(',')}]]`);
  }
  const typical = table.typicalMs === undefined ? '' : `,"typical":${num(table.typicalMs)}`;
  const head = `"stamp":${JSON.stringify(at.stamp)},"sha":${JSON.stringify(at.sha)},"verifiedAt":${num(at.verifiedAt)}`;
  return `{${head},"series":[${metrics.join(',')}]${typical}}`;
}

/** A number as JSON that reads back as the same double: String() is exact; NaN is null. */
const num = (x: number): string => {
  if (Number.isNaN(x)) return 'null';
  // JSON has no infinity (a time of 1e400 unix seconds): such a table is not kept
  if (!Number.isFinite(x)) throw new RangeError('not finite');
  return Object.is(x, -0) ? '-0' : String(x);
};

/** Times as runs [start, step, count, …]; decode() rebuilds each time as start + k * step, so a run only covers times it gives back exactly. */
function runs(t: Float64Array): string {
  const out: string[] = [];
  for (let i = 0; i < t.length; ) {
    const start = t[i]!;
    const step = i + 1 < t.length ? t[i + 1]! - start : 0;
    let n = 1;
    while (i + n < t.length && start + n * step === t[i + n]) n++;
    out.push(num(start), num(step), String(n));
    i += n;
  }
  return out.join(',');
}

const asNumber = (x: unknown): number => {
  if (x === null) return Number.NaN;
  if (typeof x !== 'number') throw new Error('not a number');
  return x;
};

function decode(body: Body): MetricTable {
  const series = new Map<string, Map<string, Columns>>();
  const cohorts = new Map<string, Set<string>>();
  const spacing = new Map<string, Map<string, number>>();
  for (const [metric, list] of body.series) {
    if (typeof metric !== 'string') throw new Error('not a name');
    const cols = new Map<string, Columns>();
    const out = new Map<string, number>();
    for (const [cohort, timeRuns, values, space] of list) {
      if (typeof cohort !== 'string') throw new Error('not a name');
      // the typed array's own conversion (a loop in JS costs ms per 10 000 rows in a short run); it
      // reads null as 0, so NaN is put back where null was
      if (!Array.isArray(values)) throw new Error('not a list');
      const v = new Float64Array(values as number[]);
      for (let i = values.indexOf(null); i >= 0; i = values.indexOf(null, i + 1)) v[i] = Number.NaN;
      const t = new Float64Array(v.length);
      let at = 0;
      for (let r = 0; r < timeRuns.length; r += 3) {
        const [start, step, n] = [asNumber(timeRuns[r]), asNumber(timeRuns[r + 1]), asNumber(timeRuns[r + 2])];
        if (!Number.isInteger(n) || n < 1 || at + n > t.length) throw new Error('runs do not fit');
        for (let k = 0; k < n; k++) t[at++] = start + k * step;
      }
      if (at !== t.length) throw new Error('runs do not fit');
      cols.set(cohort, { t, v });
      if (space !== undefined) out.set(cohort, asNumber(space));
    }
    series.set(metric, cols);
    cohorts.set(metric, new Set(cols.keys()));
    spacing.set(metric, out);
  }
  return { series, cohorts, spacing, typicalMs: body.typical === undefined ? undefined : asNumber(body.typical) };
}
