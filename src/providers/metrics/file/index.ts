/** Metrics from a CSV or JSON file (contract §7). Read once per run; a missing or malformed file is a provider error. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, MetricsProvider, Series } from '../../types.js';
import type { FileMetricsSettings } from './settings.js';
import { parseCsvRows, parseJsonRows, RowError, type MetricRow } from './rows.js';

export async function createFileMetrics(settings: FileMetricsSettings, ctx: AdapterContext): Promise<MetricsProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);
  let rows: Map<string, MetricRow[]> | undefined;

  const load = (): Map<string, MetricRow[]> => {
    if (rows) return rows;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ProviderError(ctx.name, `cannot read the metrics file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      const list = file.endsWith('.json') || text.trimStart().startsWith('[') ? parseJsonRows(text, file) : parseCsvRows(text, file);
      rows = new Map();
      for (const r of list) {
        const key = `${r.metric}\u0000${r.cohort}`;
        const bucket = rows.get(key) ?? [];
        bucket.push(r);
        rows.set(key, bucket);
      }
      return rows;
    } catch (e) {
      if (e instanceof RowError) throw new ProviderError(ctx.name, `malformed metrics file: ${e.message}`);
      throw e;
    }
  };

  return {
    async query({ query, cohort, from, to }): Promise<Series> {
      const all = load();
      // The baseline of a phase with no traffic is the whole service when no control rows exist.
      let list = all.get(`${query}\u0000${cohort === 'all' ? '' : cohort}`);
      if (!list && cohort === 'control') list = all.get(`${query}\u0000`);
      const inWindow = (list ?? []).filter((r) => r.t >= from && r.t <= to);
      const points = inWindow.filter((r) => Number.isFinite(r.value)).map((r) => ({ t: r.t, v: r.value }));
      return { points: points.sort((a, b) => a.t - b.t), invalid: inWindow.length - points.length };
    },
  };
}
