/**
 * The file metrics adapter reads its file in one streaming pass: every query of a command is answered
 * from that pass (the file is opened once, counted through the injected reader), a changed file is
 * read again, where the chunks happen to be cut changes nothing, and the sampling interval is
 * measured without every timestamp, yet as a full sort measured it (duplicates, rows out of order).
 */
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileMetrics } from '../../../src/providers/metrics/file/index.js';
import { openChunks, type OpenChunks } from '../../../src/providers/metrics/file/read.js';
import type { AdapterContext, MetricQuery } from '../../../src/providers/types.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-file-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx: AdapterContext = {
  name: 'local',
  baseDir: dir,
  plan: 'p',
  warn: () => undefined,
  now: () => 0,
  envOf: () => undefined,
};
const T0 = Date.parse('2026-06-18T00:00:00Z');
const iso = (m: number) => new Date(T0 + m * 60_000).toISOString();

/** A reader that counts how often the file is opened, and cuts it into pieces of `size` bytes. */
function counting(size?: number): { open: OpenChunks; opened: () => number } {
  let n = 0;
  return {
    opened: () => n,
    open: (file, bytes) => {
      n++;
      if (size === undefined) return openChunks(file, bytes);
      const all = readFileSync(file).subarray(0, bytes);
      return (async function* () {
        for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
      })();
    },
  };
}

function write(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

/** Rows every minute for `minutes` minutes, of each metric, canary and control. */
function csv(metrics: string[], minutes: number): string {
  const lines = ['timestamp,metric,cohort,value'];
  for (let m = 0; m <= minutes; m++)
    for (const name of metrics) for (const c of ['canary', 'control']) lines.push(`${iso(m)},${name},${c},${m % 7}`);
  return `${lines.join('\n')}\n`;
}

const q = (query: string, cohort: MetricQuery['cohort'], fromMin: number, toMin: number): MetricQuery => ({
  metric: query,
  query,
  cohort,
  from: T0 + fromMin * 60_000,
  to: T0 + toMin * 60_000,
});

describe('file metrics: one read per command', () => {
  it('the queries of a check (gate window, counts since entry, buckets, a report range) open the file once', async () => {
    const file = write('check.csv', csv(['latency', 'errors', 'h{le="0.5"}', 'h{le="+Inf"}'], 3 * 60));
    const r = counting();
    const p = await createFileMetrics({ type: 'file', path: file }, ctx, r.open);
    const gate = await Promise.all(
      ['latency', 'errors'].flatMap((m) => (['canary', 'control'] as const).map((c) => p.query(q(m, c, 120, 180)))),
    );
    expect(gate.map((s) => s.points.length)).toEqual([61, 61, 61, 61]);
    expect((await p.query(q('errors', 'canary', 61, 180))).points).toHaveLength(120);
    // the sum of m mod 7 over minutes 0..60
    expect(await p.buckets!({ query: 'h', cohort: 'canary', from: T0, to: T0 + 3_600_000 })).toEqual([
      { le: '0.5', count: 178 },
      { le: '+Inf', count: 178 },
    ]);
    expect((await p.query(q('latency', 'control', 0, 60))).points).toHaveLength(61);
    expect(r.opened()).toBe(1);
  });

  it('a file that changed is read again (as between two checks of `watch`), one that did not is not', async () => {
    const file = write('watch.csv', csv(['latency'], 10));
    const r = counting();
    const p = await createFileMetrics({ type: 'file', path: file }, ctx, r.open);
    expect((await p.query(q('latency', 'canary', 0, 20))).points).toHaveLength(11);
    appendFileSync(path.join(dir, file), `${iso(11)},latency,canary,5\n`);
    expect((await p.query(q('latency', 'canary', 0, 20))).points).toHaveLength(12);
    expect((await p.query(q('latency', 'canary', 0, 20))).points).toHaveLength(12);
    expect(r.opened()).toBe(2);
  });
});

describe('file metrics: where the chunks are cut changes nothing', () => {
  const text = [
    'timestamp , Metric,cohort,VALUE\r',
    `${iso(0)},latency,contrôle,1\r`,
    '# a comment',
    '',
    `${iso(1)},latency,contrôle,NaN`,
    `"${iso(2)}","latency","contrôle", 3 `,
    `${(T0 + 180_000) / 1000},latency,contrôle,4`,
    `${iso(4)},latency,canary,5`,
  ].join('\n');
  const answer = async (name: string, body: string, size?: number) => {
    const p = await createFileMetrics({ type: 'file', path: write(name, body) }, ctx, counting(size).open);
    return p.query(q('latency', 'contrôle' as MetricQuery['cohort'], 0, 10)).then(
      (s) => s,
      (e: Error) => e.message,
    );
  };

  it.each([1, 2, 3, 7, 64])('pieces of %i bytes: the same series as one read', async (size) => {
    const whole = await answer('whole.csv', text);
    expect(whole).toMatchObject({ points: [{ v: 1 }, { v: 3 }, { v: 4 }], invalid: 1, stepMs: 60_000 });
    expect(await answer(`cut-${size}.csv`, text, size)).toEqual(whole);
  });

  it.each([1, 5])('a torn last line is malformed at its line, in pieces of %i bytes', async (size) => {
    const torn = `${text}\n${iso(5)},latency`;
    expect(await answer(`torn-${size}.csv`, torn, size)).toMatch(/torn-\d\.csv:9:1 expected 4 columns, found 2/);
  });

  it('a NUL byte after a malformed row: the file is binary, as when read at once', async () => {
    const bad = `${text}\n${iso(5)},latency\n${iso(6)},latency,canary,1\u0000\n`;
    expect(await answer('nul.csv', bad, 16)).toMatch(/cannot read the metrics file .*nul\.csv: it is binary, not text/);
  });

  it('JSON rows in pieces of 3 bytes', async () => {
    const rows = [0, 1, 2].map((m) => ({ timestamp: iso(m), metric: 'latency', cohort: 'contrôle', value: m }));
    const s = await answer('rows.json', JSON.stringify(rows), 3);
    expect(s).toMatchObject({ points: [{ v: 0 }, { v: 1 }, { v: 2 }], invalid: 0, stepMs: 60_000 });
  });
});

describe('file metrics: the sampling interval, measured as the rows stream by', () => {
  const stepOf = async (name: string, minutes: number[]) => {
    const lines = ['timestamp,metric,cohort,value', ...minutes.map((m) => `${iso(m)},latency,canary,1`)];
    const p = await createFileMetrics({ type: 'file', path: write(name, lines.join('\n')) }, ctx, counting().open);
    return (await p.query(q('latency', 'canary', 0, 1e6))).stepMs;
  };

  it.each<[string, number[], number]>([
    ['regular, with one long gap', [0, 1, 2, 3, 4, 120, 121, 122], 60_000],
    ['gaps 1, 1, 2, 4 (median of four)', [0, 1, 2, 4, 8], 90_000],
    ['a change of rhythm: 5m then 1m', [0, 5, 10, 15, 16, 17], 300_000],
  ])('%s', async (label, minutes, step) => {
    expect(await stepOf(`in-order-${label.length}.csv`, minutes)).toBe(step);
    // the same times out of order and duplicated: the figure a full sort gives
    const shuffled = [...minutes.slice(2), minutes[1]!, minutes[0]!, minutes[2]!, minutes.at(-1)!];
    expect(await stepOf(`shuffled-${label.length}.csv`, shuffled)).toBe(step);
  });

  it('a single time, even repeated, has no spacing of its own: the file decides', async () => {
    expect(await stepOf('one.csv', [5, 5, 5])).toBeUndefined();
  });
});

describe('file metrics: the table kept in the user cache is the parsed one', () => {
  /** An in-memory KeyedCache (the CLI's is the HMAC-signed folder of cli/plan-cache.ts); tables are bytes. */
  function memoryCache() {
    const entries = new Map<string, Buffer>();
    let writes = 0;
    return {
      entries,
      writes: () => writes,
      read: (_k: string): string | undefined => undefined,
      write: (_k: string, _b: string) => {
        throw new Error('a table is kept as bytes');
      },
      readBytes: (k: string) => entries.get(k),
      writeBytes: (k: string, b: readonly Uint8Array[]) => {
        entries.set(k, Buffer.concat(b));
        writes++;
      },
    };
  }
  /** The rows of an entry: its bytes after the head (the head holds the stamp and the time it was verified). */
  const rowsOf = (entry: Buffer) => {
    const headEnd = 8 + entry.readUInt32LE(4);
    const head = JSON.parse(entry.toString('utf8', 8, headEnd)) as { series: unknown };
    return { series: head.series, rows: entry.subarray(Math.ceil(headEnd / 8) * 8).toString('hex') };
  };

  it('a table JSON could not hold (a time of 1e400 unix seconds) is kept, and comes back the same', async () => {
    const cache = memoryCache();
    const file = write(
      'infinite.csv',
      `timestamp,metric,cohort,value\n1${'0'.repeat(400)},m,canary,1\n1781000000,m,canary,2\n`,
    );
    const ask = async () =>
      (await createFileMetrics({ type: 'file', path: file }, { ...ctx, cache })).query({
        metric: 'm',
        query: 'm',
        cohort: 'canary',
        from: 0,
        to: 4e12,
      });
    const first = await ask();
    expect(await ask()).toEqual(first);
    expect(first.points).toEqual([{ t: 1_781_000_000_000, v: 2 }]);
    expect([cache.entries.size, cache.writes()]).toEqual([1, 1]);
    // the infinite time is in the table: a window that reaches it finds it
    const p = await createFileMetrics({ type: 'file', path: file }, { ...ctx, cache });
    const all = await p.query({ metric: 'm', query: 'm', cohort: 'canary', from: 0, to: Infinity });
    expect(all.points.map((x) => x.t)).toEqual([1_781_000_000_000, Infinity]);
  });

  it('every series, time and value (NaN, -0, fractions, irregular times, JSON rows) comes back identical', async () => {
    const lines = ['timestamp,metric,cohort,value'];
    const odd = ['-0', '', 'NaN', '0.1', '1e-7', '123456789.123456789', '-5', '1e21', '  7 '];
    for (let i = 0; i < 40; i++)
      lines.push(
        `${(1_781_000_000 + i * 0.37 + (i % 5 === 0 ? 100 : 0)).toFixed(3)},m${i % 3},${['canary', 'control', ''][i % 2]},${odd[i % odd.length]}`,
      );
    const files = [
      write('odd.csv', lines.join('\n')),
      write(
        'odd.json',
        JSON.stringify([
          { timestamp: 1_781_000_000.5, metric: 'j', value: -0 },
          { timestamp: '2026-06-18T00:00:00.125Z', metric: 'j', cohort: 'canary', value: 'x' },
        ]),
      ),
      write('steady.csv', csv(['a', 'b'], 300)),
    ];
    for (const file of files) {
      const cache = memoryCache();
      const c: AdapterContext = { ...ctx, cache };
      const all = async (p: Awaited<ReturnType<typeof createFileMetrics>>) =>
        Promise.all(
          ['m0', 'm1', 'm2', 'j', 'a', 'b'].flatMap((m) =>
            (['canary', 'control', 'all'] as const).map((cohort) =>
              p.query({ metric: m, query: m, cohort, from: 0, to: 4e12 }),
            ),
          ),
        );
      const parsed = await all(await createFileMetrics({ type: 'file', path: file }, c));
      expect(cache.entries.size).toBe(1);
      const r = counting();
      const cached = await all(await createFileMetrics({ type: 'file', path: file }, c, r.open));
      expect(r.opened()).toBe(1); // read to be hashed
      expect(cache.writes()).toBe(1); // a hit: not parsed and written again
      expect(cached).toEqual(parsed);
      const bits = (s: typeof parsed) => s.map((x) => x.points.map((p) => [Object.is(p.v, -0), p.t, p.v]));
      expect(bits(cached)).toEqual(bits(parsed));
      expect(cached.some((s) => s.points.length > 0)).toBe(true);
    }
  });

  describe('a settled entry (verified 2 s or more after the file last changed) is used on stat alone', () => {
    afterEach(() => {
      jest.useRealTimers();
    });
    /** The clock this many ms ahead, for Date only: the file's change is then that long ago. */
    const later = (ms: number) =>
      jest.useFakeTimers({
        now: Date.now() + ms,
        doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'performance', 'hrtime'],
      });
    const latest = async (file: string, c: AdapterContext, open?: OpenChunks) =>
      (await createFileMetrics({ type: 'file', path: file }, c, open)).query({
        metric: 'm',
        query: 'm',
        cohort: 'canary',
        from: 0,
        to: 4e12,
      });

    it('settled: the file is not read again; a same-size edit with its times put back is (its ctime moved)', async () => {
      const file = write('settled.csv', 'timestamp,metric,cohort,value\n1781000000,m,canary,41\n');
      const stamp = 1_780_000_000;
      utimesSync(path.join(dir, file), stamp, stamp);
      const cache = memoryCache();
      const c: AdapterContext = { ...ctx, cache };
      later(5000);
      expect((await latest(file, c)).points).toEqual([{ t: 1_781_000_000_000, v: 41 }]);
      const r = counting();
      expect((await latest(file, c, r.open)).points).toEqual([{ t: 1_781_000_000_000, v: 41 }]);
      expect([r.opened(), cache.writes()]).toEqual([0, 1]);
      // the same length, the modification time put back: only the change time tells
      const before = statSync(path.join(dir, file));
      writeFileSync(path.join(dir, file), 'timestamp,metric,cohort,value\n1781000000,m,canary,99\n');
      utimesSync(path.join(dir, file), stamp, stamp);
      expect([statSync(path.join(dir, file)).size, statSync(path.join(dir, file)).mtimeMs]).toEqual([
        before.size,
        before.mtimeMs,
      ]);
      const r2 = counting();
      expect((await latest(file, c, r2.open)).points).toEqual([{ t: 1_781_000_000_000, v: 99 }]);
      expect(r2.opened()).toBe(1);
    });

    it('not settled (the file changed less than 2 s before the check): read and hashed every time', async () => {
      const file = write('fresh.csv', 'timestamp,metric,cohort,value\n1781000000,m,canary,7\n');
      const cache = memoryCache();
      const c: AdapterContext = { ...ctx, cache };
      later(1000);
      await latest(file, c);
      for (let i = 0; i < 2; i++) {
        const r = counting();
        expect((await latest(file, c, r.open)).points).toEqual([{ t: 1_781_000_000_000, v: 7 }]);
        expect(r.opened()).toBe(1);
      }
      expect(cache.writes()).toBe(1);
      // verified again once settled: kept with that time, and from then on not read
      later(3000);
      const r = counting();
      await latest(file, c, r.open);
      expect([r.opened(), cache.writes()]).toEqual([1, 2]);
      const r2 = counting();
      await latest(file, c, r2.open);
      expect(r2.opened()).toBe(0);
    });

    it('a file touched (same bytes, new times) is hashed, found the same, and its entry restamped, not parsed again', async () => {
      const file = write('touched.csv', 'timestamp,metric,cohort,value\n1781000000,m,canary,5\n');
      const cache = memoryCache();
      const c: AdapterContext = { ...ctx, cache };
      later(5000);
      await latest(file, c);
      const body = rowsOf(cache.entries.values().next().value!);
      utimesSync(path.join(dir, file), 1_780_000_100, 1_780_000_100);
      const r = counting();
      expect((await latest(file, c, r.open)).points).toEqual([{ t: 1_781_000_000_000, v: 5 }]);
      expect([r.opened(), cache.writes()]).toEqual([1, 2]);
      expect(rowsOf(cache.entries.values().next().value!)).toEqual(body);
      const r2 = counting();
      await latest(file, c, r2.open);
      expect(r2.opened()).toBe(0);
    });

    it('a file dated in the future is never settled', async () => {
      const file = write('future.csv', 'timestamp,metric,cohort,value\n1781000000,m,canary,5\n');
      const future = Date.now() / 1000 + 3600;
      utimesSync(path.join(dir, file), future, future);
      const cache = memoryCache();
      const c: AdapterContext = { ...ctx, cache };
      later(5000);
      await latest(file, c);
      const r = counting();
      await latest(file, c, r.open);
      expect(r.opened()).toBe(1);
    });
  });
});
