/**
 * Metrics from a CSV or JSON file (contract §7). The file is read in one pass and its rows kept for
 * the command (every query of a check, the counts and the reports are answered from that pass), and
 * read again only when it changed (its size, modification time or inode), as between two checks of
 * `watch`. A missing or malformed file is a provider error. The sampling interval the gate expects
 * is the provider's `interval`, else the typical spacing measured over the whole file (the finer of
 * the series' own and the file's), never the rhythm of the few rows that happen to fall in the window.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
import { ProviderError } from '../../../errors.js';
import { parseDurationMs } from '../../http-settings.js';
import { FileTextError, statTextFile } from '../../file-text.js';
import type { AdapterContext, KeyedCache, MetricsProvider, Point, Series } from '../../types.js';
import type { FileMetricsSettings } from './settings.js';
import { fileBuckets } from './buckets.js';
import { type OpenChunks, openChunks, readMetricsFile } from './read.js';
import { RowError, type MetricTable } from './rows.js';
import {
  contentHash,
  decodeEntry,
  keepsTables,
  MAX_CACHED_BYTES,
  readCachedEntry,
  settled,
  statStamp,
  writeCachedTable,
} from './table-cache.js';

/** A year of one-minute samples of a dozen series is well below this. */
const MAX_METRICS_BYTES = 512 * 1024 * 1024;

export async function createFileMetrics(
  settings: FileMetricsSettings,
  ctx: AdapterContext,
  open: OpenChunks = openChunks,
): Promise<MetricsProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);
  const declaredMs = settings.interval === undefined ? undefined : parseDurationMs(settings.interval);
  const unreadable = (e: unknown): never => {
    if (e instanceof FileTextError)
      throw new ProviderError(ctx.name, `cannot read the metrics file ${file}: it ${e.message}`);
    if (e instanceof RowError) throw new ProviderError(ctx.name, `malformed metrics file: ${e.message}`);
    throw e;
  };
  // Queries asked together share one read: the first one starts it, the others wait for it.
  let loaded: { key: string; table: Promise<MetricTable> } | undefined;

  const load = (): Promise<MetricTable> => {
    let key: string;
    let st: Stats;
    try {
      st = statTextFile(file, MAX_METRICS_BYTES);
      key = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
    } catch (e) {
      return unreadable(e);
    }
    if (loaded?.key !== key) {
      const cache = ctx.cache;
      const table =
        cache && keepsTables(cache) && st.size <= MAX_CACHED_BYTES
          ? readThroughCache({ file, st, open, cache })
          : readMetricsFile({ file, size: st.size, open });
      loaded = { key, table: table.catch(unreadable) };
    }
    return loaded.table;
  };

  return {
    buckets: async (q) => fileBuckets(await load(), q),
    async query({ query, cohort, from, to }): Promise<Series> {
      const t = await load();
      const byCohort = t.series.get(query);
      // A series kept only for the whole service (empty cohort) stands for either cohort, and says so.
      let key = cohort === 'all' ? '' : cohort;
      let note: string | undefined;
      const inFile = t.cohorts.get(query);
      if (cohort !== 'all' && !inFile?.has(key) && inFile?.has('')) {
        key = '';
        note = `whole-service data: the file has no ${cohort} rows for ${query}`;
      }
      const cols = byCohort?.get(key);
      const points: Point[] = [];
      let invalid = 0;
      // rows in the order of the file, which is usually the order of time: then there is nothing to sort
      let sorted = true;
      if (cols) {
        let last = -Infinity;
        for (let i = 0; i < cols.t.length; i++) {
          const ti = cols.t[i]!;
          if (ti < from || ti > to) continue;
          const v = cols.v[i]!;
          if (Number.isFinite(v)) {
            if (ti < last) sorted = false;
            last = ti;
            points.push({ t: ti, v });
          } else invalid++;
        }
      }
      const own = t.spacing.get(query)?.get(key);
      const stepMs =
        declaredMs ?? (own === undefined ? t.typicalMs : t.typicalMs === undefined ? own : Math.min(own, t.typicalMs));
      if (!sorted) points.sort((a, b) => a.t - b.t);
      return { points, invalid, note, stepMs };
    },
  };
}

/**
 * The table from the user's cache when its entry matches the file (table-cache.ts), else parsed and
 * kept there. A settled entry is used on its stat stamp alone; otherwise the file is read and hashed
 * once, and the parser is given the chunks the hash was taken of.
 */
async function readThroughCache(args: {
  file: string;
  st: Stats;
  open: OpenChunks;
  cache: KeyedCache;
}): Promise<MetricTable> {
  const { file, st, open, cache } = args;
  const stamp = statStamp(st);
  const entry = readCachedEntry(cache, file);
  if (entry?.stamp === stamp && settled(st, entry.verifiedAt)) {
    const table = decodeEntry(entry);
    if (table) return table;
  }
  const chunks: Buffer[] = [];
  if (st.size > 0) {
    try {
      for await (const chunk of open(file, st.size)) chunks.push(chunk);
    } catch (e) {
      // as readMetricsFile reports it
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code !== 'string') throw e;
      throw new FileTextError(`cannot be read (${code})`);
    }
  }
  const sha = contentHash(chunks);
  const verifiedAt = Date.now();
  if (entry?.sha === sha) {
    const table = decodeEntry(entry);
    if (table) {
      // the same bytes (touched, copied back, or not settled yet): kept with this stamp and time, so
      // that the next run can skip the bytes once the entry is settled
      if (entry.stamp !== stamp || (settled(st, verifiedAt) && !settled(st, entry.verifiedAt)))
        writeCachedTable(cache, file, { stamp, sha, verifiedAt }, table);
      return table;
    }
  }
  const table = await readMetricsFile({
    file,
    size: st.size,
    open: async function* () {
      yield* chunks;
    },
  });
  writeCachedTable(cache, file, { stamp, sha, verifiedAt }, table);
  return table;
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createFileMetrics as create };
