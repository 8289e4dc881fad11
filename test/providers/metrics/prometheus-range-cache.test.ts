/**
 * `cache: true` on a Prometheus provider (range-cache.ts): a gate checked every few minutes asks only
 * for what is new, and always gets exactly what asking the whole window would give. Against a model of
 * a server whose recent points still move (late samples), and against the real Prometheus.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { seriesOf, type TimedValue } from '../../../src/providers/metrics/prometheus/answer.js';
import { createPrometheusMetrics } from '../../../src/providers/metrics/prometheus/index.js';
import { cachedRange } from '../../../src/providers/metrics/prometheus/range-cache.js';
import type { KeyedCache, Point } from '../../../src/providers/types.js';
import { startServer, sendJson } from '../../helpers/fakes/http.js';
import { adapterContext } from '../../helpers/providers.js';
import { prometheusUrl, promEnd } from '../../helpers/servers.js';

const STEP = 60_000;
const memoryCache = (): KeyedCache & { entries: Map<string, string> } => {
  const entries = new Map<string, string>();
  return { entries, read: (k) => entries.get(k), write: (k, v) => void entries.set(k, v) };
};

/** A server's history: a value, no data or an invalid value at each grid time; what `ask` returns. */
class History {
  values = new Map<number, number | null>();
  asked: [number, number][] = [];
  ask = async (from: number, to: number) => {
    this.asked.push([from, to]);
    const samples: TimedValue[] = [];
    for (let t = Math.ceil(from / STEP) * STEP; t <= to; t += STEP)
      if (this.values.has(t)) samples.push([t, this.values.get(t)!]);
    return { samples, warnings: [] as string[] };
  };
}

const T0 = Date.parse('2026-06-18T09:00:00Z');
/** What the gate sees of an answer: its points and how many values were invalid. */
const answer = (a: { samples: TimedValue[] } | { points: Point[]; invalid: number }) => {
  const s = 'samples' in a ? seriesOf(a.samples, STEP, []) : a;
  return { points: s.points, invalid: s.invalid };
};

describe('cachedRange', () => {
  it('a check a minute later asks only the last points again, and gives what the whole window gives', async () => {
    const h = new History();
    for (let t = T0 - 72 * 3_600_000; t <= T0 + 3_600_000; t += STEP) h.values.set(t, (t / STEP) % 7);
    h.values.set(T0 - 3_600_000, null); // an invalid value stays invalid
    h.values.delete(T0 - 2 * 3_600_000); // no data stays no data
    const cache = memoryCache();
    const check = (now: number) =>
      cachedRange({
        cache,
        server: 's',
        query: 'q',
        stepMs: STEP,
        from: now - 72 * 3_600_000,
        to: now,
        now,
        settleMs: 300_000,
        ask: h.ask,
      });
    const first = await check(T0);
    expect(h.asked).toEqual([[T0 - 72 * 3_600_000, T0]]);
    const second = await check(T0 + STEP);
    expect(h.asked[1]).toEqual([T0 - 5 * STEP - 3 * STEP, T0 + STEP]);
    expect(answer(second)).toEqual(answer(await h.ask(T0 + STEP - 72 * 3_600_000, T0 + STEP)));
    expect(first.invalid).toBe(1);
    expect(first.points.some((p) => p.t === T0 - 3_600_000)).toBe(false);
    expect(second.points.some((p) => p.t === T0 - 2 * 3_600_000)).toBe(false);
  });

  it('for any history whose recent points move, and checks at any pace, a cached answer is the whole answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 30 }),
            late: fc.array(fc.tuple(fc.nat(12), fc.option(fc.integer({ min: -5, max: 5 })))),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (checks, settleSteps, sliding) => {
          const h = new History();
          for (let t = T0 - 200 * STEP; t <= T0 + 500 * STEP; t += STEP)
            h.values.set(t, t % 3 === 0 ? null : (t / STEP) % 11);
          const cache = memoryCache();
          let now = T0;
          for (const c of checks) {
            now += c.gap * STEP + 17_000;
            // late samples: points newer than the settle time still change between checks
            for (const [back, v] of c.late) {
              const t = Math.floor(now / STEP) * STEP - back * STEP;
              if (t > now - settleSteps * STEP) {
                if (v === null) h.values.delete(t);
                else h.values.set(t, v);
              }
            }
            const from = sliding ? now - 120 * STEP : T0 - 100 * STEP;
            const got = await cachedRange({
              cache,
              server: 's',
              query: 'q',
              stepMs: STEP,
              from,
              to: now,
              now,
              settleMs: settleSteps * STEP,
              ask: h.ask,
            });
            const start = Math.ceil(from / STEP) * STEP;
            const want = await h.ask(start, Math.floor(now / STEP) * STEP);
            expect(answer(got)).toEqual(answer(want));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('history replaced behind the kept points (a server restored, a backfill) is noticed: the whole window is asked again', async () => {
    const h = new History();
    for (let t = T0 - 100 * STEP; t <= T0 + 100 * STEP; t += STEP) h.values.set(t, 1);
    const cache = memoryCache();
    const check = (now: number) =>
      cachedRange({
        cache,
        server: 's',
        query: 'q',
        stepMs: STEP,
        from: T0 - 50 * STEP,
        to: now,
        now,
        settleMs: 300_000,
        ask: h.ask,
      });
    await check(T0);
    for (let t = T0 - 100 * STEP; t <= T0 + 100 * STEP; t += STEP) h.values.set(t, 2);
    const after = await check(T0 + 2 * STEP);
    expect(after.points.every((p) => p.v === 2)).toBe(true);
    expect(h.asked.at(-1)).toEqual([T0 - 50 * STEP, T0 + 2 * STEP]);
  });

  it('an answer with warnings is never kept; a failed ask keeps nothing and fails; a damaged entry is not used', async () => {
    const cache = memoryCache();
    const args = { cache, server: 's', query: 'q', stepMs: STEP, from: T0 - 60 * STEP, to: T0, now: T0, settleMs: 0 };
    await cachedRange({ ...args, ask: async () => ({ samples: [[T0, 1]], warnings: ['partial response'] }) });
    expect(cache.entries.size).toBe(0);
    await expect(
      cachedRange({
        ...args,
        ask: async () => {
          throw new Error('HTTP 503');
        },
      }),
    ).rejects.toThrow('HTTP 503');
    expect(cache.entries.size).toBe(0);
    const h = new History();
    for (let t = T0 - 60 * STEP; t <= T0; t += STEP) h.values.set(t, 3);
    await cachedRange({ ...args, ask: h.ask });
    const [key] = [...cache.entries.keys()];
    for (const damaged of [
      'not json',
      '{"v":1,"stepMs":60000,"first":0,"until":1e20,"samples":[[1,"x"]]}',
      '{"v":2}',
    ]) {
      cache.entries.set(key!, damaged);
      h.asked = [];
      const got = await cachedRange({ ...args, ask: h.ask });
      expect(h.asked).toEqual([[T0 - 60 * STEP, T0]]);
      expect(got.points).toHaveLength(61);
    }
  });
});

describe('Prometheus adapter with cache: true', () => {
  it('against the real server: the second check of a 72 h window asks for minutes, and answers as an uncached adapter does', async () => {
    const end = promEnd() * 1000;
    const { ctx } = adapterContext({ name: 'prom', baseDir: '.', plan: 'test' });
    const cache = memoryCache();
    const asked: string[] = [];
    // a loopback proxy that records what is asked of the real server
    const upstream = prometheusUrl();
    const proxy = await startServer(async (req, res) => {
      asked.push(req.url ?? '');
      const r = await fetch(`${upstream}${req.url}`);
      sendJson(res, r.status, await r.json());
    });
    try {
      const P95 =
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="recommendations",cohort="canary"}[5m])))';
      let now = end - 3_600_000;
      const cached = await createPrometheusMetrics(
        { type: 'prometheus', url: proxy.url, cache: true },
        { ...ctx, now: () => now, cache },
      );
      const plain = await createPrometheusMetrics({ type: 'prometheus', url: upstream }, ctx);
      const q = (to: number) => ({
        metric: 'p95',
        cohort: 'canary' as const,
        query: P95,
        from: to - 72 * 3_600_000,
        to,
      });
      const cold = await cached.query(q(now));
      expect(cold.points.length).toBeGreaterThan(4000);
      now += 2 * 60_000;
      const warm = await cached.query(q(now));
      const second = new URL(asked[1]!, 'http://x').searchParams;
      expect(Number(second.get('end')) - Number(second.get('start'))).toBeLessThanOrEqual(10 * 60);
      const truth = await plain.query({
        ...q(Math.floor(now / 60_000) * 60_000),
        from: Math.ceil((now - 72 * 3_600_000) / 60_000) * 60_000,
      });
      expect(warm.points).toEqual(truth.points);
      expect(warm.invalid).toBe(truth.invalid);
      expect(warm.stepMs).toBe(60_000);
    } finally {
      await proxy.close();
    }
  });
});
