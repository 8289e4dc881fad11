/**
 * When to retry and how long to wait, kept apart from the request loop so the rules read as a table.
 */
import type { HttpClientOptions } from './http.js';

/** Statuses that say "try again later". */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/** Statuses that will not change on a retry, whatever a provider's settings ask. */
export const NEVER_RETRY: ReadonlySet<number> = new Set([400, 401, 403, 404, 422]);
/** Network failures worth another attempt (the request may or may not have reached the server). */
export const RETRY_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
/** The only failure known to happen before the request left: safe to retry even a non-idempotent write. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED']);

export const DEFAULT_BACKOFF = { baseMs: 500, maxMs: 8000 };

/** Full jitter (AWS architecture blog): uniform over [0, min(max, base * 2^(attempt-1))]. */
export function backoffMs(
  attempt: number,
  backoff: { baseMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The provider's reset header as milliseconds from `now`. */
export function resetMs(
  value: string | undefined,
  unit: NonNullable<HttpClientOptions['resetHeader']>['unit'],
  now: number,
): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  const n = Number(value);
  switch (unit) {
    case 'epoch-ms':
      return Math.max(0, n - now);
    case 'epoch-s':
      return Math.max(0, n * 1000 - now);
    case 'seconds-until':
      return n * 1000;
  }
}

/**
 * How long the server asked us to wait: the later of `Retry-After` and the reset header, or undefined
 * when it said nothing (then the caller backs off exponentially).
 */
export function serverWaitMs(
  headers: Record<string, string>,
  resetHeader: HttpClientOptions['resetHeader'],
  now: number,
): number | undefined {
  const after = retryAfterMs(headers['retry-after'], now);
  const reset = resetHeader ? resetMs(headers[resetHeader.name.toLowerCase()], resetHeader.unit, now) : undefined;
  if (after === undefined && reset === undefined) return undefined;
  return Math.max(after ?? 0, reset ?? 0);
}

/** A little jitter on top of a server-given wait, so many clients do not return on the same tick. */
export function jitterMs(waitMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(1000, 50 + waitMs * 0.1));
}

/** Waits at least `ms` by the wall clock (timers may fire a millisecond early, and a reset time must have passed). */
export async function sleep(ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (let left = ms; left > 0; left = end - Date.now()) await new Promise((resolve) => setTimeout(resolve, left));
}

/** `12.3 s`, `250 ms`: how long a request took or waits, in messages (plan durations read `3d 4h`: plan/duration.ts). */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${s >= 100 ? Math.round(s) : Number(s.toFixed(1))} s`;
}
