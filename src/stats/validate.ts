/**
 * The no-data invariant at the door: every count the engine uses passes through here. Missing
 * or NaN → `no-data`; ±Infinity, negative, fractional, events > total or a non-number →
 * `invalid`; total = 0 → `no-data`. NaN is never replaced by 0.
 */
import type { Counts, DataIssue } from './types.js';

/** Checks one count: a finite integer ≥ 0. Returns the issue, or undefined when it is fine. */
export function checkCount(value: unknown, what: string): DataIssue | undefined {
  if (value === undefined || value === null) return { status: 'no-data', reason: `${what} is missing` };
  if (typeof value !== 'number') return { status: 'invalid', reason: `${what} is not a number (${typeof value})` };
  if (Number.isNaN(value)) return { status: 'no-data', reason: `${what} is NaN` };
  if (!Number.isFinite(value)) return { status: 'invalid', reason: `${what} is ${value}` };
  if (value < 0) return { status: 'invalid', reason: `${what} is negative (${value})` };
  if (!Number.isInteger(value)) return { status: 'invalid', reason: `${what} is not a whole count (${value})` };
  return undefined;
}

/**
 * Checks a cohort's counts (x of n): both counts valid, x ≤ n, n > 0. Returns the counts,
 * or the first issue found (an `invalid` issue wins over `no-data` so malformed data is named).
 */
export function checkCounts(counts: unknown, cohort: string): Counts | DataIssue {
  if (counts === undefined || counts === null) return { status: 'no-data', reason: `no counts for the ${cohort}` };
  if (typeof counts !== 'object') return { status: 'invalid', reason: `the ${cohort}'s counts are not an object` };
  const { events, total } = counts as Partial<Counts>;
  const issues = [checkCount(events, `the ${cohort}'s event count`), checkCount(total, `the ${cohort}'s total`)];
  const found = issues.find((i) => i?.status === 'invalid') ?? issues.find((i) => i !== undefined);
  if (found) return found;
  const x = events as number;
  const n = total as number;
  if (x > n) return { status: 'invalid', reason: `the ${cohort} has more events than units (${x} of ${n})` };
  if (n === 0) return { status: 'no-data', reason: `the ${cohort} has no units yet (0 exposures)` };
  return { events: x, total: n };
}

/** A probability strictly inside (0, 1), e.g. α or a traffic share. */
export function isOpenUnit(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value < 1;
}

/** A finite number > 0. */
export function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
