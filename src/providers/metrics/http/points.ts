/**
 * Reads the value shapes a generic JSON endpoint or a command may answer with and turns them into a
 * Series. Pure and shared by the `http` and `command` metrics adapters, which wrap a PointsProblem in
 * their own ProviderError.
 *
 * Accepted: a number (one point at `to`); `{value}` (one point at `to`) or `{timestamp, value}`; a list
 * of `[timestamp, value]` pairs or `{timestamp|t|time, value|v}` objects. Timestamps are unix seconds,
 * milliseconds (told apart by magnitude) or ISO-8601 strings. A list of bare numbers is refused: which
 * time each belongs to, and whether it is one series or several, cannot be known.
 */
import { readIsoTime } from '../../../iso-time.js';
import type { Point, Series } from '../../types.js';

/** Why a value cannot be read as points; the adapter adds where it came from. */
export class PointsProblem extends Error {
  override name = 'PointsProblem';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Epoch-ms timestamps are > 1e11 (March 1973 onwards); unix seconds stay below it until the year 5138. */
export const MS_THRESHOLD = 1e11;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]|$)/;
const TIME_KEYS = ['timestamp', 't', 'time'] as const;
const VALUE_KEYS = ['value', 'v'] as const;

export interface Window {
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, inclusive; where a timeless value is placed */
  to: number;
}

type Raw = { t: number; v: unknown };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): boolean => v === null || ['number', 'string', 'boolean'].includes(typeof v);

/** A finite number, or undefined for anything else (null, NaN, "NaN", "1e999", "", booleans, objects). */
export function readValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMBER.test(v.trim())) {
    // "1e999" matches the grammar of a number but reads as Infinity: not a value
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Epoch ms from unix seconds, epoch ms, a numeric string of either, or an ISO-8601 string. */
export function readTimestamp(t: unknown): number {
  if (typeof t === 'string' && NUMBER.test(t.trim())) return readTimestamp(Number(t.trim()));
  if (typeof t === 'number' && Number.isFinite(t)) return t > MS_THRESHOLD ? t : t * 1000;
  if (typeof t === 'string' && ISO_DATE.test(t.trim())) {
    // strict: a date that does not exist is refused; a date-time without an offset is UTC
    const r = readIsoTime(t);
    if (r.ok) return r.ms;
    throw new PointsProblem(r.reason, 'timestamps are unix seconds, epoch milliseconds or ISO-8601 strings');
  }
  throw new PointsProblem(
    `${describe(t)} is not a timestamp`,
    'timestamps are unix seconds, epoch milliseconds or ISO-8601 strings',
  );
}

const timeKey = (o: Record<string, unknown>) => TIME_KEYS.find((k) => k in o);
const valueKey = (o: Record<string, unknown>) => VALUE_KEYS.find((k) => k in o);

/** 1e9 s is September 2001: a smaller number in first place is a value, not a time. */
const looksLikeTime = (t: unknown): boolean =>
  (typeof t === 'number' && t >= 1e9) ||
  (typeof t === 'string' && (ISO_DATE.test(t.trim()) || (NUMBER.test(t.trim()) && Number(t) >= 1e9)));

/**
 * `[t, v]` on its own (a Prometheus instant `value`) rather than a list of two numbers: told apart by a
 * first element that reads as a time. A misread pair of large numbers lands far outside the window.
 */
export function looksLikePair(x: unknown): boolean {
  return Array.isArray(x) && x.length === 2 && looksLikeTime(x[0]) && isScalar(x[1]);
}

function listPoint(x: unknown, i: number): Raw {
  if (Array.isArray(x) && x.length === 2 && isScalar(x[0]) && isScalar(x[1]))
    return { t: readTimestamp(x[0]), v: x[1] };
  if (isRecord(x) && timeKey(x) !== undefined && valueKey(x) !== undefined)
    return { t: readTimestamp(x[timeKey(x)!]), v: x[valueKey(x)!] };
  throw new PointsProblem(
    `item ${i} of the list is ${describe(x)}, not a [timestamp, value] pair or a {timestamp, value} object`,
    AMBIGUOUS_HINT,
  );
}

const AMBIGUOUS_HINT = 'point at one number, a {timestamp, value} object, or a list of [timestamp, value] pairs';

function bareValues(n: number): PointsProblem {
  return new PointsProblem(
    `found ${n} bare values without timestamps; which is the metric's value is ambiguous`,
    AMBIGUOUS_HINT,
  );
}

/** Raw points of one value found at the path (or printed by a command). */
function rawPoints(value: unknown, w: Window): Raw[] {
  if (isScalar(value)) return [{ t: w.to, v: value }];
  if (Array.isArray(value)) {
    if (looksLikePair(value)) return [listPoint(value, 0)];
    if (value.length > 0 && value.every(isScalar)) throw bareValues(value.length);
    return value.map(listPoint);
  }
  if (isRecord(value)) {
    const vk = valueKey(value);
    if (vk === undefined)
      throw new PointsProblem(
        `found an object without a "value" (keys: ${Object.keys(value).slice(0, 8).join(', ') || 'none'})`,
        AMBIGUOUS_HINT,
      );
    const tk = timeKey(value);
    return [{ t: tk === undefined ? w.to : readTimestamp(value[tk]), v: value[vk] }];
  }
  throw new PointsProblem(`found ${describe(value)}, not a number or a list of points`, AMBIGUOUS_HINT);
}

/**
 * The Series for a value; `undefined` (nothing there) is an empty series, never a zero. Points outside
 * the window are dropped; values that are not finite numbers are counted in `invalid`.
 */
export function seriesFromValue(value: unknown, w: Window): Series {
  if (value === undefined) return { points: [], invalid: 0 };
  return toSeries(rawPoints(value, w), w);
}

/**
 * The Series for the matches of a JSONPath that may match several nodes (`[*]`, `..`, filters). One
 * match is read as a value on its own; several must each be a point, bare numbers being ambiguous.
 */
export function seriesFromMatches(matches: unknown[], w: Window): Series {
  if (matches.length <= 1) return seriesFromValue(matches[0], w);
  if (matches.every(isScalar)) throw bareValues(matches.length);
  return toSeries(matches.map(listPoint), w);
}

function toSeries(raw: Raw[], w: Window): Series {
  const points: Point[] = [];
  let invalid = 0;
  for (const { t, v } of raw) {
    if (t < w.from || t > w.to) continue;
    const n = readValue(v);
    if (n === undefined) invalid += 1;
    else points.push({ t, v: n });
  }
  points.sort((a, b) => a.t - b.t);
  return { points, invalid };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
