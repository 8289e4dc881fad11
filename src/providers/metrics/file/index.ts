/**
 * Metrics from a CSV or JSON file (contract §7). Read once per run; a missing or malformed file is a
 * provider error. The sampling interval the gate expects is the provider's `interval`, else the
 * typical spacing measured over the whole file (the finer of the series' own and the file's), never
 * the rhythm of the few rows that happen to fall in the window.
 */
import path from 'node:path';
import { ProviderError } from '../../../errors.js';
import { parseDurationMs } from '../../http-settings.js';
import { readTextFile } from '../../file-text.js';
import type { AdapterContext, MetricsProvider, Point, Series } from '../../types.js';
import type { FileMetricsSettings } from './settings.js';
import { fileBuckets } from './buckets.js';
import { parseCsv, parseJson, RowError, type MetricTable } from './rows.js';

/** A year of one-minute samples of a dozen series is well below this. */
const MAX_METRICS_BYTES = 512 * 1024 * 1024;

export async function createFileMetrics(settings: FileMetricsSettings, ctx: AdapterContext): Promise<MetricsProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);
  const declaredMs = settings.interval === undefined ? undefined : parseDurationMs(settings.interval);
  // One run judges one window: keep the rows of the window asked for, and read again only when a
  // query reaches outside it.
  let table: MetricTable | undefined;
  let kept: { from: number; to: number } | undefined;

  const load = (from: number, to: number): MetricTable => {
    if (table && kept && kept.from <= from && kept.to >= to) return table;
    const window = kept ? { from: Math.min(kept.from, from), to: Math.max(kept.to, to) } : { from, to };
    let text: string;
    try {
      text = readTextFile(file, MAX_METRICS_BYTES);
    } catch (e) {
      throw new ProviderError(ctx.name, `cannot read the metrics file ${file}: it ${(e as Error).message}`);
    }
    try {
      table =
        file.endsWith('.json') || text.trimStart().startsWith('[')
          ? parseJson(text, file, window)
          : parseCsv(text, file, window);
      kept = window;
      return table;
    } catch (e) {
      if (e instanceof RowError) throw new ProviderError(ctx.name, `malformed metrics file: ${e.message}`);
      throw e;
    }
  };

  return {
    buckets: async (q) => fileBuckets(load(q.from, q.to), q),
    async query({ query, cohort, from, to }): Promise<Series> {
      const t = load(from, to);
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
      if (cols) {
        for (let i = 0; i < cols.t.length; i++) {
          const ti = cols.t[i]!;
          if (ti < from || ti > to) continue;
          const v = cols.v[i]!;
          if (Number.isFinite(v)) points.push({ t: ti, v });
          else invalid++;
        }
      }
      const own = t.spacing.get(query)?.get(key);
      const stepMs =
        declaredMs ?? (own === undefined ? t.typicalMs : t.typicalMs === undefined ? own : Math.min(own, t.typicalMs));
      return { points: points.sort((a, b) => a.t - b.t), invalid, note, stepMs };
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createFileMetrics as create };
