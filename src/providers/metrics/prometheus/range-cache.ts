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
import type { KeyedCache } from '../../types.js';
import type { TimedValue } from './answer.js';

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

function keep(samples: TimedValue[], stepMs: number, first: number, until: number): Kept {
  const values: (number | null | false)[] = new Array((until - first) / stepMs + 1).fill(false);
  for (const [t, v] of samples)
    if (t >= first && t <= until && (t - first) % stepMs === 0) values[(t - first) / stepMs] = v;
  return { v: 2, stepMs, first, until, values };
}

const same = (a: TimedValue[], b: TimedValue[]): boolean =>
  a.length === b.length && a.every(([t, v], i) => t === b[i]![0] && v === b[i]![1]);

/**
 * The samples of [from, to] on the step's grid, from the cache and from `ask` (which fetches
 * [from, to] at the step and returns the samples and the answer's warnings).
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
}): Promise<{ samples: TimedValue[]; warnings: string[] }> {
  const { cache, stepMs } = args;
  const start = Math.ceil(args.from / stepMs) * stepMs;
  const end = Math.floor(args.to / stepMs) * stepMs;
  if (end < start) return args.ask(args.from, args.to);
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
  const inWindow = (s: TimedValue) => s[0] >= start && s[0] <= end;

  let answer: { samples: TimedValue[]; warnings: string[] } | undefined;
  if (kept && kept.first <= start && kept.until >= start) {
    // ask again from a few kept points back: they must come back as they were kept
    const upTo = Math.min(kept.until, end);
    const recheck = Math.max(start, upTo - OVERLAP * stepMs);
    const fresh = await args.ask(recheck, end);
    const was = keptSamples(kept, recheck, upTo);
    const now = fresh.samples.filter((s) => s[0] <= upTo);
    if (same(was, now))
      answer = {
        samples: [...keptSamples(kept, start, recheck - 1), ...fresh.samples.filter(inWindow)],
        warnings: fresh.warnings,
      };
  }
  const usedKept = answer !== undefined;
  answer ??= await args.ask(start, end);
  const samples = answer.samples.filter(inWindow);

  const settled = Math.min(end, Math.floor((args.now - args.settleMs) / stepMs) * stepMs);
  // written when new, replaced, or when the settled points moved on enough (until then they are asked again)
  const stale = !usedKept || !kept || settled - kept.until >= REWRITE_STEPS * stepMs;
  if (answer.warnings.length === 0 && settled >= start && stale)
    cache.write(key, JSON.stringify(keep(samples, stepMs, start, settled)));
  return { samples, warnings: answer.warnings };
}
