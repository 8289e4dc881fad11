/**
 * Range queries that remember what they fetched (`cache: true` on a Prometheus provider). A gate
 * checked every few minutes over a 72-hour window asks for 72 hours each time, though only the last
 * minutes are new: the points older than `settle` (5 minutes by default: a late sample can still change
 * newer ones) are kept in the user's cache folder, and the next query asks Prometheus only for what
 * came after them, on the same grid of evaluation times (multiples of the step).
 *
 * What is kept is checked, never trusted blindly: entries are HMAC-signed (a forged entry could pass a
 * gate), keyed by the server, the query and the step, and every query asks again for the last points
 * it kept; when Prometheus now answers differently for them (history replaced, a server restored from a
 * snapshot, a backfill), the whole window is asked again and the entry replaced. Invalid values (NaN,
 * ±Inf) are kept as invalid; no data stays no data; an answer with warnings is never kept; a failed
 * query keeps nothing and fails as before.
 */
import { createHash } from 'node:crypto';
import type { KeyedCache, Point } from '../../types.js';
import { seriesOf, type TimedValue } from './answer.js';

/** How many kept evaluation times each query asks for again, to see that history has not changed. */
const OVERLAP = 3;

/** How far the settled points must have moved before the entry is written again (the rest is asked again). */
const REWRITE_STEPS = 10;

/**
 * What is kept: every evaluation time from `first` to `until` (every one between was asked), by its
 * index on the step's grid: a number, null for an invalid value, 0-length absence as false (no data).
 */
interface Kept {
  v: 2;
  stepMs: number;
  first: number;
  until: number;
  values: (number | null | false)[];
}

const isKept = (k: unknown): k is Kept => {
  if (typeof k !== 'object' || k === null) return false;
  const o = k as Record<string, unknown>;
  return (
    o['v'] === 2 &&
    [o['stepMs'], o['first'], o['until']].every(Number.isSafeInteger) &&
    (o['stepMs'] as number) > 0 &&
    (o['until'] as number) >= (o['first'] as number) &&
    Array.isArray(o['values']) &&
    o['values'].length === ((o['until'] as number) - (o['first'] as number)) / (o['stepMs'] as number) + 1 &&
    o['values'].every((v) => v === null || v === false || (typeof v === 'number' && Number.isFinite(v)))
  );
};

type Grid = (number | null | false)[];

/** The samples a kept entry holds within [from, to]. */
function keptSamples(k: Kept, from: number, to: number): TimedValue[] {
  const out: TimedValue[] = [];
  const lo = Math.max(0, Math.ceil((from - k.first) / k.stepMs));
  const hi = Math.min(k.values.length - 1, Math.floor((to - k.first) / k.stepMs));
  for (let i = lo; i <= hi; i++) {
    const v = k.values[i];
    if (v !== false) out.push([k.first + i * k.stepMs, v ?? null]);
  }
  return out;
}

/** Samples written into a grid from `first`; false when one is not on the grid (nothing is then kept). */
function intoGrid(grid: Grid, first: number, stepMs: number, samples: TimedValue[]): boolean {
  for (const [t, v] of samples) {
    const i = (t - first) / stepMs;
    if (!Number.isInteger(i) || i < 0 || i >= grid.length) return false;
    grid[i] = v;
  }
  return true;
}

const same = (a: TimedValue[], b: TimedValue[]): boolean =>
  a.length === b.length && a.every(([t, v], i) => t === b[i]![0] && v === b[i]![1]);

/**
 * The points of [from, to] on the step's grid, from the cache and from `ask` (which fetches [from, to]
 * at the step and returns the samples and the answer's warnings), exactly as `ask` over the whole
 * window would give them.
 */
export async function cachedRange(args: {
  cache: KeyedCache;
  server: string;
  query: string;
  stepMs: number;
  from: number;
  to: number;
  now: number;
  settleMs: number;
  ask: (from: number, to: number) => Promise<{ samples: TimedValue[]; warnings: string[] }>;
  /** how the few newest points are asked (batch.ts); `ask` by default */
  askRecent?: (from: number, to: number) => Promise<{ samples: TimedValue[]; warnings: string[] }>;
}): Promise<{ points: Point[]; invalid: number; warnings: string[] }> {
  const { cache, stepMs } = args;
  const start = Math.ceil(args.from / stepMs) * stepMs;
  const end = Math.floor(args.to / stepMs) * stepMs;
  const plain = async (from: number, to: number) => {
    const a = await args.ask(from, to);
    return { ...seriesOf(a.samples, stepMs, []), warnings: a.warnings };
  };
  if (end < start) return plain(args.from, args.to);
  const key = `prom-${createHash('sha256')
    .update(JSON.stringify([args.server, args.query, stepMs]))
    .digest('hex')}`;
  let kept: Kept | undefined;
  try {
    const parsed: unknown = JSON.parse(cache.read(key) ?? 'null');
    kept = isKept(parsed) && parsed.stepMs === stepMs ? parsed : undefined;
  } catch {
    kept = undefined;
  }

  const settled = Math.min(end, Math.floor((args.now - args.settleMs) / stepMs) * stepMs);
  const write = (values: Grid) => {
    const entry: Kept = { v: 2, stepMs, first: start, until: settled, values };
    cache.write(key, JSON.stringify(entry));
  };

  if (kept && kept.first <= start && kept.until >= start) {
    // ask again from a few kept points back: they must come back as they were kept
    const upTo = Math.min(kept.until, end);
    const recheck = Math.max(start, upTo - OVERLAP * stepMs);
    const fresh = await (args.askRecent ?? args.ask)(recheck, end);
    const newer = fresh.samples.filter((s) => s[0] >= recheck && s[0] <= end);
    const onGrid = newer.every(([t]) => (t - start) % stepMs === 0);
    if (
      onGrid &&
      same(
        keptSamples(kept, recheck, upTo),
        newer.filter((s) => s[0] <= upTo),
      )
    ) {
      // the kept points before `recheck`, then the newer ones: read once, straight into points
      const from = (start - kept.first) / stepMs;
      const count = (recheck - start) / stepMs;
      const points: Point[] = [];
      let invalid = 0;
      for (let i = 0; i < count; i++) {
        const v = kept.values[from + i];
        if (v === null) invalid++;
        else if (typeof v === 'number') points.push({ t: start + i * stepMs, v });
      }
      for (const [t, v] of newer) {
        if (v === null) invalid++;
        else points.push({ t, v });
      }
      // written again once the settled points moved on enough (until then they are asked again)
      if (fresh.warnings.length === 0 && settled - kept.until >= REWRITE_STEPS * stepMs) {
        const values: Grid = kept.values.slice(from, from + count);
        values.length = (settled - start) / stepMs + 1;
        values.fill(false, count);
        intoGrid(
          values,
          start,
          stepMs,
          newer.filter((s) => s[0] <= settled),
        );
        write(values);
      }
      return { points, invalid, warnings: fresh.warnings };
    }
  }

  const whole = await args.ask(start, end);
  const inWindow = whole.samples.filter((s) => s[0] >= start && s[0] <= end);
  if (whole.warnings.length === 0 && settled >= start) {
    const values: Grid = new Array((settled - start) / stepMs + 1).fill(false);
    if (
      intoGrid(
        values,
        start,
        stepMs,
        inWindow.filter((s) => s[0] <= settled),
      )
    )
      write(values);
  }
  return { ...seriesOf(inWindow, stepMs, []), warnings: whole.warnings };
}
