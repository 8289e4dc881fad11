/**
 * What the gate may build a verdict on, through the built binary: a value that is not a finite number
 * is never a point (never 0, never ±Infinity), sparse data never passes a window, a date that does not
 * exist is refused, times without an offset are UTC whatever TZ says, and a window with more points
 * than a call has arguments for is judged without crashing.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { atStage, explain, removeSandboxes, T, type CliResult, type MetricRow, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

type Doc = { criteria: { name: string; verdict: string; detail: string; [k: string]: unknown }[]; [k: string]: any };
const criterion = (doc: Doc, name: string) => {
  const c = doc.criteria.find((x) => x.name === name);
  if (!c) throw new Error(`no criterion ${name} in ${JSON.stringify(doc.criteria.map((x) => x.name))}`);
  return c;
};

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

/** advance --json at the sandbox clock: the exit code asserted, and the flag file unchanged unless it advanced. */
async function advance(sb: Sandbox, code: number): Promise<Doc> {
  const before = readFileSync(sb.flagFile, 'utf8');
  const r = await sb.cmd('advance', ['--json']);
  expectCode(r, code);
  if (code !== 0) expect(readFileSync(sb.flagFile, 'utf8')).toBe(before);
  return r.json<Doc>();
}

const CANARY_LATENCY = (r: MetricRow) => r.metric === 'latency_p95' && r.cohort === 'canary';
/** the canary-5-approved stage judges [T.canary25 - 24h, T.canary25] */
const IN_WINDOW = '2026-06-19T15:00:00Z';

describe('a value that is not a finite number is invalid, never 0 (metrics file)', () => {
  it.each(['""', '" "', '0x10', 'Infinity', '-1e999', '1e999', 'true'])(
    'CSV value %s → held, the point counted as invalid',
    async (value) => {
      const sb = await atStage('canary-5-approved');
      sb.setMetric(IN_WINDOW, 'latency_p95', 'canary', value);
      const d = await advance(sb, 3);
      expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'hold', invalid: 1, points: 96 });
      expect(criterion(d, 'latency_p95').detail).toBe('1 point(s) were NaN or not numbers; 96 valid');
    },
  );

  it.each<[string, unknown]>([
    ['false', false],
    ['[]', []],
    ['""', ''],
    ['" "', ' '],
    ['true', true],
    ['[250]', [250]],
    ['{}', {}],
    ['null', null],
  ])('JSON value %s → held, the point counted as invalid', async (_label, value) => {
    const sb = await atStage('canary-5-approved');
    const rows = sb
      .metrics()
      .map((r) => ({ timestamp: r.timestamp, metric: r.metric, cohort: r.cohort, value: Number(r.value) as unknown }));
    const hit = rows.find(
      (r) => r.metric === 'latency_p95' && r.cohort === 'canary' && Date.parse(r.timestamp) === Date.parse(IN_WINDOW),
    )!;
    hit.value = value;
    sb.writeFile('plans/data/metrics.json', JSON.stringify(rows));
    sb.editPlan((y) => y.replace('path: data/recommendations-metrics.csv', 'path: data/metrics.json'));
    const d = await advance(sb, 3);
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'hold', invalid: 1, points: 96 });
    expect(criterion(d, 'latency_p95').detail).toMatch(/NaN or not numbers/);
  });
});

describe('±Infinity never passes (a command provider answering -1e999)', () => {
  const usingCommand = (sb: Sandbox, value: string) => {
    // a series every 15 minutes over the window the gate asks for, every value printed as given
    sb.writeFile(
      'plans/series.mjs',
      'const f = Date.parse(process.env.ROLLOUT_FROM), t = Date.parse(process.env.ROLLOUT_TO), s = 900000;\n' +
        'const out = [];\nfor (let x = Math.ceil(f / s) * s; x <= t; x += s) out.push([x / 1000, process.argv[2]]);\nconsole.log(JSON.stringify(out));\n',
    );
    sb.editPlan((y) =>
      y
        .replace(
          '    local: { type: file, path: data/recommendations-metrics.csv }',
          '    local: { type: file, path: data/recommendations-metrics.csv }\n    cmd: { type: command, interval: 15m }',
        )
        .replace(/\n( {4}(?:query: (?!latency_p95)|numerator: ))/g, '\n    provider: local\n$1')
        .replace(
          '    query: latency_p95         # file provider: the series name in the CSV',
          `    provider: cmd\n    query: node series.mjs ${value}`,
        ),
    );
  };

  it.each(['-1e999', '1e999', '-Infinity', 'NaN'])(
    '%s on every point → held with every point invalid; the flag stays; reports still render',
    async (value) => {
      const sb = await atStage('canary-5-approved');
      usingCommand(sb, value);
      const d = await advance(sb, 3);
      expect(d.decision).toBe('held');
      const lat = criterion(d, 'latency_p95');
      expect(lat).toMatchObject({ verdict: 'hold', points: 0, worst: null });
      expect(JSON.stringify(d)).not.toMatch(/Infinity/);
      expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
      expectCode(await sb.cmd('report'), 0);
    },
  );

  it('the same command with finite values advances (the case above differs only by its values)', async () => {
    const sb = await atStage('canary-5-approved');
    usingCommand(sb, '250');
    const d = await advance(sb, 0);
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'pass', points: 97 });
  });

  it('a journal written by an older build with a non-finite value (null in JSON) does not stop `rollout report`', async () => {
    const sb = await atStage('canary-5-approved');
    const seq = sb.journal().at(-1)!.seq + 1;
    const criteria = [
      {
        name: 'latency_p95',
        kind: 'metric',
        verdict: 'pass',
        detail: 'worst -Infinity ms within < 500 ms',
        metric: {
          cohort: 'canary',
          unit: 'ms',
          slo: '< 500 ms',
          window: { from: T.canary5, to: T.canary25, label: '24h' },
          points: 97,
          worst: { at: T.canary25, value: null },
          last: { at: T.canary25, value: null },
          mean: null,
          breaches: 0,
          invalid: 0,
        },
      },
    ];
    appendFileSync(
      sb.journalFile,
      `${JSON.stringify({
        seq,
        at: T.canary25,
        clock: 'ROLLOUT_NOW',
        type: 'gate.evaluated',
        phase: 'canary-5',
        data: {
          decision: 'held',
          from: 'canary-5',
          to: 'canary-25',
          verdict: 'hold',
          criteria,
          reported: criteria,
          reasons: [],
        },
      })}\n`,
    );
    const r = await sb.cmd('report');
    expectCode(r, 0);
    expect(sb.report('canary-5', 'md')).toMatch(/^\| latency_p95 \| .* \| - \| .* \| 97 \|/m);
  });
});

describe('sparse data never passes: points are counted against the interval the data is sampled at', () => {
  it('two points a day apart (the rest of the series gone) → held: 2 of 97 expected points (every 15m)', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editMetrics((r) =>
      CANARY_LATENCY(r) && r.timestamp !== '2026-06-19T09:00:00Z' && r.timestamp !== '2026-06-20T09:00:00Z' ? null : r,
    );
    expect(sb.metrics().filter(CANARY_LATENCY)).toHaveLength(2);
    const d = await advance(sb, 3);
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'hold', points: 2 });
    expect(criterion(d, 'latency_p95').detail).toMatch(/2 of 97 expected points \(every 15m\)/);
  });

  it('a point every 45 minutes (no gap over 3 intervals) → held: 33 of 97 expected points', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editMetrics((r) => (CANARY_LATENCY(r) && (Date.parse(r.timestamp) / 60_000) % 45 !== 0 ? null : r));
    const d = await advance(sb, 3);
    expect(criterion(d, 'latency_p95').detail).toMatch(
      /^only 3[23] of 97 expected points \(every 15m\) in the last 24h; at least 88 are needed$/,
    );
  });

  it('a whole file sampled once a day → held: too coarse to judge a 24h window', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editMetrics((r) => (r.timestamp.endsWith('T09:00:00Z') ? r : null));
    const d = await advance(sb, 3);
    for (const m of ['latency_p95', 'error_rate', 'cpu_utilization']) {
      expect(criterion(d, m).verdict).toBe('hold');
      expect(criterion(d, m).detail).toMatch(/sampling every 1d is too coarse to judge a 24h window/);
    }
  });

  it('the file provider takes a declared interval: 15m data held against `interval: 5m`', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan((y) =>
      y.replace('path: data/recommendations-metrics.csv }', 'path: data/recommendations-metrics.csv, interval: 5m }'),
    );
    const d = await advance(sb, 3);
    expect(criterion(d, 'latency_p95').detail).toMatch(/only 97 of 289 expected points \(every 5m\)/);
  });

  it('the intact data passes, saying how many points it had of how many', async () => {
    const sb = await atStage('canary-5-approved');
    const d = await advance(sb, 0);
    expect(criterion(d, 'latency_p95').detail).toMatch(/; 97 of 97 expected points \(every 15m\)$/);
  });
});

describe('a window with more points than a call has room for', () => {
  it('~170k points of one series in the window are judged (no stack overflow)', async () => {
    const sb = await atStage('canary-5-approved');
    const from = Date.parse('2026-06-19T09:00:00Z') / 1000;
    const dense: string[] = [];
    for (let s = 0; s <= 24 * 3600; s += 0.5) dense.push(`${from + s},latency_p95,canary,300`);
    sb.editMetrics((r) =>
      CANARY_LATENCY(r) && r.timestamp >= '2026-06-19T09' && r.timestamp <= '2026-06-20T09:00:00Z' ? null : r,
    );
    appendFileSync(sb.metricsFile, `${dense.join('\n')}\n`);
    const d = await advance(sb, 0);
    expect(criterion(d, 'latency_p95')).toMatchObject({ verdict: 'pass', points: 172_801 });
  });
});

describe('dates: 2026-02-30 is not a date; a time without an offset is UTC', () => {
  it('a metrics row dated 2026-02-30 makes the file malformed (held, with where and why)', async () => {
    const sb = await atStage('canary-5-approved');
    appendFileSync(sb.metricsFile, '2026-02-30T10:00:00Z,latency_p95,canary,250\n');
    const d = await advance(sb, 3);
    expect(criterion(d, 'latency_p95').detail).toMatch(
      /recommendations-metrics\.csv:\d+:1 "2026-02-30T10:00:00Z" is not a date: 2026-02 has 28 days/,
    );
  });

  it('an incident opened 2026-02-30 holds the incidents criterion', async () => {
    const sb = await atStage('canary-5-approved');
    sb.writeIncidents([{ id: 'INC-3', severity: 'low', status: 'open', title: 'x', openedAt: '2026-02-30T08:00:00Z' }]);
    const d = await advance(sb, 3);
    expect(criterion(d, 'incidents')).toMatchObject({ verdict: 'hold' });
    expect(criterion(d, 'incidents').detail).toMatch(/openedAt: "2026-02-30T08:00:00Z" is not a date/);
  });

  it.each(['2026-02-30T09:00:00Z', '2026-06-31', '2026-06-20T25:00:00Z'])(
    'ROLLOUT_NOW=%s is refused (exit 2), naming it',
    async (now) => {
      const sb = await atStage('start');
      const r = await sb.cmd('status', [], { now });
      expectCode(r, 2);
      expect(r.stderr).toContain(`ROLLOUT_NOW="${now}" is not a`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('CSV times without an offset are UTC whatever TZ says: the same verdicts as with Z', async () => {
    const sb = await atStage('canary-5-approved');
    const numbers = (d: Doc) =>
      d.criteria.map((c) => [
        c.name,
        c.verdict,
        c['points'] ?? null,
        c['observed'] ?? null,
        (c['window'] as { from?: string } | undefined)?.from ?? null,
      ]);
    const utc = await sb.json('check', [], 0, { env: { TZ: 'America/Sao_Paulo' } });
    sb.editMetrics((r) => ({ ...r, timestamp: r.timestamp.replace(/Z$/, '') }));
    expect(sb.metrics()[0]!.timestamp).toBe('2026-06-17T00:00:00');
    const local = await sb.json('check', [], 0, { env: { TZ: 'America/Sao_Paulo' } });
    expect(numbers(local)).toEqual(numbers(utc));
    writeFileSync(
      sb.metricsFile,
      readFileSync(sb.metricsFile, 'utf8').replace(
        /^2026-06-19T20:00:00,latency_p95,canary,.*$/m,
        '2026-06-19T20:00:00,latency_p95,canary,650',
      ),
    );
    const breach = await sb.json('check', [], 4, { env: { TZ: 'America/Sao_Paulo' } });
    expect(criterion(breach, 'latency_p95').detail).toContain('650 ms at 2026-06-19T20:00:00.000Z');
  });
});
