/**
 * Pure parsing of a Prometheus HTTP API answer into one cohort's Series. Kept apart from the HTTP code so
 * every shape (matrix, vector, scalar, errors, NaN) is unit-tested without a server.
 */
import type { Cohort, Point, Series } from '../../types.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Prometheus refuses a range query when (end - start) / step exceeds this. */
export const MAX_POINTS = 11_000;

/** The step, in whole seconds, widened so a range never exceeds Prometheus' points limit. */
export function chooseStepSeconds(args: { fromMs: number; toMs: number; stepSeconds: number }): number {
  const rangeSeconds = Math.max(0, (args.toMs - args.fromMs) / 1000);
  return Math.max(1, Math.ceil(args.stepSeconds), Math.ceil(rangeSeconds / MAX_POINTS));
}

/** Why an answer cannot be used; the adapter turns it into a ProviderError with the query attached. */
export class AnswerProblem extends Error {
  override name = 'AnswerProblem';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

type Sample = [number, string];
interface RawSeries {
  metric: Record<string, string>;
  values: Sample[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSample = (v: unknown): v is Sample =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';

/** The error Prometheus itself reported (`status: error`), or undefined when the answer is not one. */
export function prometheusError(body: unknown): { errorType: string; error: string } | undefined {
  if (!isRecord(body) || body.status !== 'error') return undefined;
  return { errorType: String(body.errorType ?? 'unknown'), error: String(body.error ?? 'no message') };
}

function rawSeries(data: Record<string, unknown>): RawSeries[] {
  const { resultType, result } = data;
  const bad = () => new AnswerProblem(`malformed ${String(resultType)} result`);
  switch (resultType) {
    case 'matrix':
    case 'vector': {
      if (!Array.isArray(result)) throw bad();
      return result.map((r: unknown) => {
        if (!isRecord(r) || !isRecord(r.metric)) throw bad();
        const values = resultType === 'matrix' ? r.values : [r.value];
        if (!Array.isArray(values) || !values.every(isSample)) throw bad();
        return { metric: r.metric as Record<string, string>, values };
      });
    }
    case 'scalar':
      if (!isSample(result)) throw bad();
      return [{ metric: {}, values: [result] }];
    default:
      throw new AnswerProblem(
        `the query returned a ${String(resultType)}, not numbers`,
        'use an expression that returns a number per time step',
      );
  }
}

/**
 * The series of the requested cohort: the only series, or the one whose `cohort` label matches. When
 * every series names another cohort, the cohort had no data (empty). Anything else is ambiguous.
 */
function pickSeries(all: RawSeries[], cohort: Cohort): RawSeries | undefined {
  if (all.length === 0) return undefined;
  const matching = all.filter((s) => s.metric.cohort === cohort);
  if (matching.length === 1) return matching[0];
  if (matching.length === 0 && all.length === 1 && all[0]!.metric.cohort === undefined) return all[0];
  if (matching.length === 0 && all.every((s) => s.metric.cohort !== undefined)) return undefined;
  const labels = all.slice(0, 3).map(
    (s) =>
      `{${Object.entries(s.metric)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}}`,
  );
  throw new AnswerProblem(
    `the query returned ${all.length} series (${labels.join(' ')}${all.length > 3 ? ' …' : ''}) and none can be told apart as the ${cohort} cohort`,
    'select one series per cohort: filter with cohort="{{cohort}}" (or the label your service uses) and aggregate the rest, e.g. sum by (cohort) (...)',
  );
}

/** One evaluation time (epoch ms) and its value; null for NaN, ±Inf or anything that is not a number. */
export type TimedValue = [number, number | null];

/** A successful answer's samples for the cohort, in time order, invalid values kept as null; and its warnings. */
export function parseSamples(args: { body: unknown; cohort: Cohort }): { samples: TimedValue[]; warnings: string[] } {
  const { body } = args;
  if (!isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    throw new AnswerProblem('the answer is not a Prometheus API response');
  }
  const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
  const chosen = pickSeries(rawSeries(body.data), args.cohort);
  const samples: TimedValue[] = (chosen?.values ?? []).map(([t, raw]) => {
    // strict: only a number as Prometheus writes one; NaN, ±Inf, "1e999" and anything else are invalid
    const v = NUMBER.test(raw.trim()) ? Number(raw) : NaN;
    return [Math.round(t * 1000), Number.isFinite(v) ? v : null];
  });
  samples.sort((a, b) => a[0] - b[0]);
  return { samples, warnings };
}

/** The series of some samples: invalid ones are counted, never read as 0. */
export function seriesOf(samples: TimedValue[], stepMs: number | undefined, warnings: string[]): Series {
  const points: Point[] = [];
  let invalid = 0;
  for (const [t, v] of samples) {
    if (v === null) invalid++;
    else points.push({ t, v });
  }
  return { points, invalid, stepMs, warnings: warnings.length > 0 ? warnings : undefined };
}

/** Parses a successful answer. NaN and ±Inf values are dropped and counted, never read as 0. */
export function parseAnswer(args: { body: unknown; cohort: Cohort; stepMs?: number | undefined }): Series {
  const { samples, warnings } = parseSamples(args);
  return seriesOf(samples, args.stepMs, warnings);
}
