/**
 * Datadog's metric query answers (providers.md §6) and their translation to a Series. v2 timeseries
 * gives `times[]` and one `values[]` row per series; v1 gives `pointlist: [[ms, value]]`. All output
 * timestamps are milliseconds. Pure, so the shapes are tested without a server.
 */
import { z } from 'zod';
import { ProviderError } from '../../../errors.js';
import type { MetricQuery, Point, Series } from '../../types.js';

const PROVIDER = 'Datadog';

export const v2Schema = z.looseObject({
  data: z.looseObject({
    attributes: z.looseObject({
      times: z.array(z.number()),
      values: z.array(z.array(z.unknown())),
      series: z.array(z.looseObject({ group_tags: z.array(z.string()).nullish(), query_index: z.number().optional() })),
    }),
  }),
  errors: z.string().nullish(),
});

export const v1Schema = z.looseObject({
  status: z.string().optional(),
  error: z.string().nullish(),
  series: z.array(
    z.looseObject({
      pointlist: z.array(z.array(z.unknown())),
      tag_set: z.array(z.string()).nullish(),
      scope: z.string().nullish(),
      interval: z.number().nullish(),
    }),
  ),
});

/** One series as either API returned it, before cleaning. */
interface RawSeries {
  tags: string[];
  points: Array<[unknown, unknown]>;
  stepMs?: number | undefined;
}

/**
 * `intervalMs` is the rollup interval the request asked for: the gate counts the window's points
 * against it, whatever spacing the few points returned happen to have.
 */
/** Datadog's own rollups; the default interval is the first that gives at most about 300 points, as Datadog picks. */
const ROLLUPS_S = [20, 60, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 43200, 86400];
const DEFAULT_POINTS = 300;

export function defaultIntervalMs(spanMs: number): number {
  const s = spanMs / 1000 / DEFAULT_POINTS;
  return (ROLLUPS_S.find((r) => r >= s) ?? Math.ceil(s / 86400) * 86400) * 1000;
}

export function seriesFromV2(body: unknown, q: MetricQuery, intervalMs: number): Series {
  const parsed = v2Schema.safeParse(body);
  if (!parsed.success) throw malformed('data.attributes with times, values and series');
  const { times, values, series } = parsed.data.data.attributes;
  const errors = parsed.data.errors ?? '';
  if (series.length === 0 && errors !== '')
    throw new ProviderError(PROVIDER, `Datadog could not run the query for metric "${q.metric}": ${errors}`);
  if (values.length !== series.length || values.some((row) => row.length !== times.length)) {
    throw malformed('one values row per series, as long as times');
  }
  const raw: RawSeries[] = series.map((s, i) => ({
    tags: s.group_tags ?? [],
    points: times.map((t, j): [unknown, unknown] => [t, values[i]![j]]),
    stepMs: intervalMs,
  }));
  return toSeries(raw, q, errors === '' ? [] : [errors], intervalMs);
}

/** v1 declares each series' rollup `interval` (seconds); `fallbackMs` stands in when it does not. */
export function seriesFromV1(body: unknown, q: MetricQuery, fallbackMs: number): Series {
  const parsed = v1Schema.safeParse(body);
  if (!parsed.success) throw malformed('series with pointlist');
  if (parsed.data.status === 'error' || (parsed.data.error ?? '') !== '') {
    throw new ProviderError(
      PROVIDER,
      `Datadog could not run the query for metric "${q.metric}": ${parsed.data.error ?? 'status error'}`,
    );
  }
  const raw: RawSeries[] = parsed.data.series.map((s) => ({
    tags: s.tag_set ?? (s.scope ? s.scope.split(',') : []),
    points: s.pointlist.map((p): [unknown, unknown] => [p[0], p[1]]),
    stepMs:
      typeof s.interval === 'number' && Number.isFinite(s.interval) && s.interval > 0 ? s.interval * 1000 : fallbackMs,
  }));
  return toSeries(raw, q, [], fallbackMs);
}

/**
 * One query must mean one series. Several (a `by {…}` group) are accepted only when exactly one is
 * tagged with the cohort asked for; anything else is ambiguous and refused rather than guessed.
 */
function pick(all: RawSeries[], q: MetricQuery): RawSeries | undefined {
  if (all.length <= 1) return all[0];
  const matches = all.filter((s) => s.tags.some((t) => t === q.cohort || t.slice(t.indexOf(':') + 1) === q.cohort));
  if (matches.length === 1) return matches[0];
  const groups = all
    .map((s) => (s.tags.length > 0 ? s.tags.join(',') : '(no tags)'))
    .slice(0, 5)
    .join('; ');
  throw new ProviderError(
    PROVIDER,
    `Datadog returned ${all.length} series for metric "${q.metric}" (${groups}) and ${matches.length === 0 ? 'none' : 'several'} match cohort "${q.cohort}"`,
    {
      hint: 'make the query return one series: filter on the cohort with {{cohort}}, or drop the "by {…}" grouping',
    },
  );
}

function toSeries(all: RawSeries[], q: MetricQuery, warnings: string[], intervalMs: number): Series {
  const chosen = pick(all, q);
  if (!chosen) return { points: [], invalid: 0, stepMs: intervalMs, ...(warnings.length ? { warnings } : {}) };
  const points: Point[] = [];
  let invalid = 0;
  for (const [t, v] of chosen.points) {
    if (typeof t !== 'number' || !Number.isFinite(t)) throw malformed('numeric timestamps');
    if (t < q.from || t > q.to) continue;
    // null is a gap, never a zero
    if (typeof v === 'number' && Number.isFinite(v)) points.push({ t, v });
    else invalid += 1;
  }
  points.sort((a, b) => a.t - b.t);
  return { points, invalid, stepMs: chosen.stepMs, ...(warnings.length ? { warnings } : {}) };
}

function malformed(expected: string): ProviderError {
  return new ProviderError(PROVIDER, `Datadog returned a malformed body (expected ${expected})`, {
    hint: 'check the url points at the Datadog API of your site',
  });
}
