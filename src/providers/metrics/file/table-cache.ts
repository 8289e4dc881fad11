/**
 * The parsed table of a metrics file, kept in the user's cache folder (AdapterContext.cache: HMAC-signed
 * entries, cli/plan-cache.ts), so that a command run on a schedule does not parse the same file again:
 * parsing the reference plan's 20 000 rows costs more than the rest of `rollout status`.
 *
 * One entry per metrics file (named by a digest of its path), overwritten when the file changes, so the
 * folder never fills up with old versions. An entry is used only when its stamp is the file's own:
 * the tool's version and the entry's format, the file's size, modification and change times and
 * inode, and a SHA-256 of every byte of it. The bytes are always read and hashed (a file edited to
 * the same size with its modification time put back, by `touch -d` or utimes, is read again); the
 * hash costs a few milliseconds where parsing costs tens. An entry that does not verify, does not
 * match or does not decode is a miss: the file is parsed, as without a cache.
 *
 * What an entry holds: the metric and cohort names and the numbers of the table, nothing else (no
 * path, no setting). The numbers are stored as the float64 bits the parser produced, so a table from
 * the cache is the parsed one bit for bit (NaN, -0 and all).
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { VERSION } from '../../../version.js';
import type { KeyedCache } from '../../types.js';
import type { Columns, MetricTable } from './rows.js';

/** Bump when the parser or this encoding changes what a table holds for the same bytes. */
const FORMAT = 1;
/** Larger files are parsed every time: their entry would be as large as the file and a hash of it cheap only by comparison. */
export const MAX_CACHED_BYTES = 32 * 1024 * 1024;

interface Header {
  stamp: string;
  /** metric, then [cohort, rows, has a spacing] per series, in the table's order */
  series: [string, [string, number, 0 | 1][]][];
  typical: 0 | 1;
}

/** The identity of the file's content as read: what an entry must match. */
export function fileStamp(st: Stats, bytes: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const b of bytes) hash.update(b);
  return JSON.stringify([FORMAT, VERSION, st.size, st.mtimeMs, st.ctimeMs, st.ino, hash.digest('hex')]);
}

const entryKey = (file: string): string =>
  `metrics-table-${createHash('sha256').update(file).digest('hex').slice(0, 32)}`;

/** The cached table of `file` when its entry matches `stamp`; undefined otherwise. */
export function readCachedTable(cache: KeyedCache, file: string, stamp: string): MetricTable | undefined {
  const body = cache.read(entryKey(file));
  if (body === undefined) return undefined;
  try {
    const nl = body.indexOf('\n');
    const header = JSON.parse(body.slice(0, nl)) as Header;
    if (header.stamp !== stamp) return undefined;
    return decode(header, body.slice(nl + 1));
  } catch {
    return undefined;
  }
}

export function writeCachedTable(cache: KeyedCache, file: string, stamp: string, table: MetricTable): void {
  const header: Header = { stamp, series: [], typical: table.typicalMs === undefined ? 0 : 1 };
  const arrays: Float64Array[] = [];
  let count = 0;
  for (const [metric, byCohort] of table.series) {
    const cohorts: [string, number, 0 | 1][] = [];
    for (const [cohort, cols] of byCohort) {
      const spacing = table.spacing.get(metric)?.get(cohort);
      cohorts.push([cohort, cols.t.length, spacing === undefined ? 0 : 1]);
      arrays.push(cols.t, cols.v);
      count += 2 * cols.t.length;
      if (spacing !== undefined) {
        arrays.push(Float64Array.of(spacing));
        count++;
      }
    }
    header.series.push([metric, cohorts]);
  }
  if (table.typicalMs !== undefined) arrays.push(Float64Array.of(table.typicalMs));
  const all = new Float64Array(count + header.typical);
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  const bits = Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  cache.write(entryKey(file), `${JSON.stringify(header)}\n${bits.toString('base64')}`);
}

function decode(header: Header, base64: string): MetricTable | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % 8 !== 0) return undefined;
  // a copy: Float64Array needs an 8-byte aligned offset, which a decoded Buffer need not have
  const all = new Float64Array(bytes.length / 8);
  new Uint8Array(all.buffer).set(bytes);
  const series = new Map<string, Map<string, Columns>>();
  const cohorts = new Map<string, Set<string>>();
  const spacing = new Map<string, Map<string, number>>();
  let at = 0;
  const take = (n: number): Float64Array => {
    if (!Number.isInteger(n) || n < 0 || at + n > all.length) throw new Error('truncated');
    const a = all.subarray(at, at + n);
    at += n;
    return a;
  };
  for (const [metric, list] of header.series) {
    const cols = new Map<string, Columns>();
    const out = new Map<string, number>();
    for (const [cohort, n, hasSpacing] of list) {
      cols.set(cohort, { t: take(n), v: take(n) });
      if (hasSpacing) out.set(cohort, take(1)[0]!);
    }
    series.set(metric, cols);
    cohorts.set(metric, new Set(cols.keys()));
    spacing.set(metric, out);
  }
  const typicalMs = header.typical ? take(1)[0]! : undefined;
  return at === all.length ? { series, cohorts, spacing, typicalMs } : undefined;
}
