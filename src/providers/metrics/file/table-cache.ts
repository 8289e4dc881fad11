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
 * path, no setting), each number as its eight bytes (NaN, -0 and all): a table from the cache is the
 * parsed one. It is a binary entry (KeyedCache.readBytes): a short JSON head, then every series' times
 * and values as the doubles of its typed arrays, copied back in one move each. The JSON entry it
 * replaces cost ~3 ms of every `status` to parse (20 000 numbers, escaped in a JSON string).
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { VERSION } from '../../../version.js';
import type { KeyedCache } from '../../types.js';
import type { Columns, MetricTable } from './rows.js';

/** Bump when the parser or this encoding changes what a table holds for the same bytes. */
const FORMAT = 4;
/** How long after a file's last change its entry must have been verified for its stat stamp to suffice. */
export const SETTLE_MS = 2000;
/** Larger files are parsed every time: their entry would be as large as the file and a hash of it cheap only by comparison. */
export const MAX_CACHED_BYTES = 32 * 1024 * 1024;

/** The first bytes of an entry: its kind and format. */
const MAGIC = Buffer.from(`RTB${FORMAT}`, 'latin1');
/** Doubles are kept in this machine's byte order; an entry written in the other order is a miss. */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * The entry's head, JSON: the stamp, then per metric its name and per cohort [name, rows, spacing?];
 * the rows' times and values follow the head in that order (Float64Array bytes). A number of the head
 * that JSON cannot hold (NaN, ±Infinity, -0) is written as the string String() or "-0" gives.
 */
interface Head {
  /** statStamp() of the file when the entry was verified */
  stamp: string;
  /** SHA-256 of the file's bytes */
  sha: string;
  /** when (Date.now()) the bytes were last hashed and found to be these */
  verifiedAt: number;
  littleEndian: boolean;
  /** the spacing is left out when the series has none */
  series: [string, [string, number, (number | string)?][]][];
  typical?: number | string;
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

/** Whether a cache can keep tables (it keeps bytes). */
export const keepsTables = (cache: KeyedCache): boolean => !!cache.readBytes && !!cache.writeBytes;

/** A verified entry, not yet decoded. */
export interface CachedEntry {
  stamp: string;
  sha: string;
  verifiedAt: number;
  head: Head;
  /** the entry's bytes, and where the doubles start */
  bytes: Buffer;
  dataAt: number;
}

/** The entry of `file` when it verifies; undefined otherwise. */
export function readCachedEntry(cache: KeyedCache, file: string): CachedEntry | undefined {
  const bytes = cache.readBytes?.(entryKey(file));
  if (bytes === undefined) return undefined;
  try {
    if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const headLength = bytes.readUInt32LE(MAGIC.length);
    const headEnd = MAGIC.length + 4 + headLength;
    if (headEnd > bytes.length) return undefined;
    const head = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, headEnd)) as Head;
    if (
      typeof head.stamp !== 'string' ||
      typeof head.sha !== 'string' ||
      !Number.isFinite(head.verifiedAt) ||
      head.littleEndian !== LITTLE_ENDIAN
    )
      return undefined;
    return { stamp: head.stamp, sha: head.sha, verifiedAt: head.verifiedAt, head, bytes, dataAt: align(headEnd) };
  } catch {
    return undefined;
  }
}

/** The table an entry holds; undefined when it does not decode. */
export function decodeEntry(entry: CachedEntry): MetricTable | undefined {
  try {
    return decode(entry);
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
  cache.writeBytes?.(entryKey(file), encode(at, table));
}

/** The doubles start at a multiple of 8 from the entry's start (as the head is padded to). */
const align = (n: number): number => Math.ceil(n / 8) * 8;

function encode(at: { stamp: string; sha: string; verifiedAt: number }, table: MetricTable): Uint8Array[] {
  const data: Uint8Array[] = [];
  const series: Head['series'] = [];
  for (const [metric, byCohort] of table.series) {
    const cohorts: Head['series'][number][1] = [];
    for (const [cohort, cols] of byCohort) {
      const spacing = table.spacing.get(metric)?.get(cohort);
      cohorts.push(spacing === undefined ? [cohort, cols.t.length] : [cohort, cols.t.length, num(spacing)]);
      data.push(bytesOf(cols.t), bytesOf(cols.v));
    }
    series.push([metric, cohorts]);
  }
  const head: Head = { stamp: at.stamp, sha: at.sha, verifiedAt: at.verifiedAt, littleEndian: LITTLE_ENDIAN, series };
  if (table.typicalMs !== undefined) head.typical = num(table.typicalMs);
  const json = Buffer.from(JSON.stringify(head), 'utf8');
  const start = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(start);
  start.writeUInt32LE(json.length, MAGIC.length);
  const headEnd = start.length + json.length;
  return [start, json, Buffer.alloc(align(headEnd) - headEnd), ...data];
}

const bytesOf = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A number of the head: itself, or the string that names it when JSON has no such number. */
const num = (x: number): number | string => (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? x : String(x));

const SPECIAL: Record<string, number> = { '-0': -0, NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };
const asNumber = (x: unknown): number => {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && Object.hasOwn(SPECIAL, x)) return SPECIAL[x]!;
  throw new Error('not a number');
};

/** A copy of `n` doubles from the entry (a copy: the table outlives the entry's bytes, and need not be aligned). */
function doubles(bytes: Buffer, at: number, n: number): Float64Array {
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(bytes.subarray(at, at + n * 8));
  return out;
}

function decode(entry: CachedEntry): MetricTable {
  const { head, bytes } = entry;
  const series = new Map<string, Map<string, Columns>>();
  const cohorts = new Map<string, Set<string>>();
  const spacing = new Map<string, Map<string, number>>();
  let at = entry.dataAt;
  if (!Array.isArray(head.series)) throw new Error('not a list');
  for (const [metric, list] of head.series) {
    if (typeof metric !== 'string' || !Array.isArray(list)) throw new Error('not a series');
    const cols = new Map<string, Columns>();
    const out = new Map<string, number>();
    for (const [cohort, n, space] of list) {
      if (typeof cohort !== 'string') throw new Error('not a name');
      if (!Number.isSafeInteger(n) || n < 0 || at + 16 * n > bytes.length) throw new Error('rows do not fit');
      const t = doubles(bytes, at, n);
      const v = doubles(bytes, at + 8 * n, n);
      at += 16 * n;
      cols.set(cohort, { t, v });
      if (space !== undefined) out.set(cohort, asNumber(space));
    }
    series.set(metric, cols);
    cohorts.set(metric, new Set(cols.keys()));
    spacing.set(metric, out);
  }
  if (at !== bytes.length) throw new Error('rows do not fit');
  return { series, cohorts, spacing, typicalMs: head.typical === undefined ? undefined : asNumber(head.typical) };
}
