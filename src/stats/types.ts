/**
 * Plain data shared by the statistics engine. Everything here is JSON-serialisable except
 * `Bucket.le`, where `Infinity` stands for Prometheus' `+Inf` (see `parseLe`).
 */

/** Events and units of one cohort, cumulative since the phase was entered (x of n). */
export interface Counts {
  /** conversions, errors, slow requests: an integer 0 ≤ events ≤ total */
  events: number;
  /** exposures, requests, users: an integer ≥ 0 */
  total: number;
}

/** Mean and variance of a per-unit metric over `total` units (for differences of means). */
export interface Moments {
  mean: number;
  /** the sample variance s² (≥ 0) */
  variance: number;
  total: number;
}

/** One histogram bucket: how many observations were ≤ `le` (cumulative in `le`). */
export interface Bucket {
  /** upper bound; `Infinity` is `+Inf` */
  le: number;
  count: number;
}

/** Which way is better for the metric; harm is θ for `lower` and −θ for `higher`. */
export type Better = 'higher' | 'lower';

/** A threshold on the harm: absolute (`0.001`) or relative to the control's rate (`"5%"` → 0.05). */
export type Margin = { kind: 'absolute'; value: number } | { kind: 'relative'; value: number };

/** A closed interval [low, high]. */
export type Interval = [number, number];

/** Why a number could not be computed: `no-data` (missing, NaN, empty) or `invalid` (malformed). */
export interface DataIssue {
  status: 'no-data' | 'invalid';
  reason: string;
}

/** Narrowing helper for the `T | DataIssue` results the engine returns instead of throwing. */
export function isDataIssue(value: unknown): value is DataIssue {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    ((value as DataIssue).status === 'no-data' || (value as DataIssue).status === 'invalid') &&
    typeof (value as DataIssue).reason === 'string'
  );
}

/**
 * Parses a plan margin: a number is absolute, a string `"5%"` is relative (0.05). Returns
 * undefined for anything else (negative, NaN, `"5"`, `"%"`), so the caller can report it.
 */
export function parseMargin(value: unknown): Margin | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? { kind: 'absolute', value } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (!m?.[1]) return undefined;
  const pct = Number(m[1]);
  return Number.isFinite(pct) ? { kind: 'relative', value: pct / 100 } : undefined;
}

/** Parses a Prometheus `le` label (`"0.25"`, `"+Inf"`); undefined when it is not a number. */
export function parseLe(label: string): number | undefined {
  const t = label.trim();
  if (t === '+Inf' || t === 'Inf' || t === '+inf' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
