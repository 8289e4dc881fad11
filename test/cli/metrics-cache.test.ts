/**
 * The parsed metrics file kept in the user's cache folder (src/providers/metrics/file/table-cache.ts),
 * through the built binary. A cache may only make `status` faster: whatever the folder holds, the
 * output is the output of parsing the file afresh. A file edited to the same size with its times put
 * back is read again; an entry that is damaged, forged or of another file is ignored; a folder that
 * cannot be written costs time only; an entry holds numbers and names, never a secret or a path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeSandboxes, Sandbox, T, tempDir, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

/** A fresh cache folder (ROLLOUT_CACHE_DIR) of its own for each test. */
function cacheDir(): { env: Record<string, string>; folder: string } {
  const home = tempDir('rollout-metrics-cache-');
  const folder = path.join(home, 'cache');
  return { env: { ROLLOUT_CACHE_DIR: folder }, folder };
}

const tableEntries = (folder: string): string[] =>
  existsSync(folder) ? readdirSync(folder).filter((n) => n.startsWith('metrics-table-')) : [];

const fresh = { env: { ROLLOUT_NO_CACHE: '1' } };

function expectSame(r: CliResult, baseline: CliResult): void {
  expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
    code: baseline.code,
    stderr: baseline.stderr,
    stdout: baseline.stdout,
  });
}

/** The gate's worst latency, as `status --json` reports it. */
const worstLatency = (r: CliResult): unknown =>
  (r.json() as { criteria: { name: string; worst?: { value: number } }[] }).criteria.find(
    (c) => c.name === 'latency_p95',
  )?.worst?.value;

let sb: Sandbox;
let plain: CliResult;
beforeAll(async () => {
  sb = Sandbox.create({ now: T.canary5 });
  plain = await sb.cmd('status', ['--json'], fresh);
  expect(plain.code).toBe(0);
});

describe('the metrics table cache', () => {
  it('serves what a fresh parse prints, text and --json, from one entry per metrics file', async () => {
    const { env, folder } = cacheDir();
    const text = await sb.cmd('status', [], fresh);
    for (let i = 0; i < 2; i++) {
      expectSame(await sb.cmd('status', ['--json'], { env }), plain);
      expectSame(await sb.cmd('status', [], { env }), text);
    }
    expect(tableEntries(folder)).toHaveLength(1);
    expect(statSync(path.join(folder, tableEntries(folder)[0]!)).mode & 0o777).toBe(0o600);
  });

  it('reads the file again when it changed, even to the same size with its modification time put back', async () => {
    const s = sb.clone();
    const { env } = cacheDir();
    // whole seconds: utimes puts back exactly what stat saw
    const stamp = 1_780_000_000;
    utimesSync(s.metricsFile, stamp, stamp);
    const first = await s.cmd('status', ['--json'], fresh);
    expectSame(await s.cmd('status', ['--json'], { env }), first);
    const file = s.metricsFile;
    const before = statSync(file);
    const text = readFileSync(file, 'utf8');
    // a latency of the window (the control cohort before any traffic), 320 ms, becomes 920: same length, outside the SLO
    const row = '2026-06-18T08:45:00Z,latency_p95,control,';
    const at = text.indexOf(row) + row.length;
    expect(text.indexOf(row)).toBeGreaterThan(0);
    const edited = `${text.slice(0, at)}9${text.slice(at + 1)}`;
    expect(edited.length).toBe(text.length);
    writeFileSync(file, edited);
    utimesSync(file, stamp, stamp);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(file).size).toBe(before.size);

    const afresh = await s.cmd('status', ['--json'], fresh);
    expect([worstLatency(first), worstLatency(afresh)]).toEqual([362, 920]);
    expectSame(await s.cmd('status', ['--json'], { env }), afresh);
    // and back: the first version is not served from a stale entry either
    writeFileSync(file, text);
    utimesSync(file, stamp, stamp);
    expectSame(await s.cmd('status', ['--json'], { env }), first);
  });

  it('ignores an entry that is damaged, truncated, forged or another file’s, and rewrites it', async () => {
    const { env, folder } = cacheDir();
    expectSame(await sb.cmd('status', ['--json'], { env }), plain);
    const [name] = tableEntries(folder);
    const file = path.join(folder, name!);
    const good = readFileSync(file, 'utf8');
    const entry = JSON.parse(good) as { mac: string; body: string };
    // every value zero: a forged table that would pass every SLO, under the old signature
    const zeros = entry.body.replace(/\d+(\.\d+)?(e[+-]?\d+)?(?=[,\]])/g, '0');
    expect(zeros).not.toBe(entry.body);
    const forged = JSON.stringify({ mac: entry.mac, body: zeros });
    // a signed body cut short, as a crash mid-write never leaves one (rename) but a disk might
    const truncated = JSON.stringify({ mac: entry.mac, body: entry.body.slice(0, entry.body.length >> 1) });
    for (const bad of [
      '',
      good.slice(0, good.length >> 1),
      'not json',
      forged,
      truncated,
      JSON.stringify({ mac: entry.mac }),
    ]) {
      writeFileSync(file, bad, { mode: 0o600 });
      expectSame(await sb.cmd('status', ['--json'], { env }), plain);
      // rewritten by the fresh parse: the same table and stamp (only the time it was verified moves)
      const table = (text: string) => {
        const body = JSON.parse((JSON.parse(text) as { body: string }).body) as Record<string, unknown>;
        return { ...body, verifiedAt: typeof body['verifiedAt'] };
      };
      expect(table(readFileSync(file, 'utf8'))).toEqual(table(good));
    }
  });

  it('still works when the cache folder cannot be used or the entry cannot be written', async () => {
    const home = tempDir('rollout-metrics-cache-');
    writeFileSync(path.join(home, 'file'), '');
    // a folder under a file: it cannot even be created
    expectSame(
      await sb.cmd('status', ['--json'], { env: { ROLLOUT_CACHE_DIR: path.join(home, 'file', 'cache') } }),
      plain,
    );
    // a folder where the entry is a folder: neither read nor written
    const { env, folder } = cacheDir();
    expectSame(await sb.cmd('status', ['--json'], { env }), plain);
    const [name] = tableEntries(folder);
    rmSync(path.join(folder, name!));
    mkdirSync(path.join(folder, name!));
    for (let i = 0; i < 2; i++) expectSame(await sb.cmd('status', ['--json'], { env }), plain);
    expect(statSync(path.join(folder, name!)).isDirectory()).toBe(true);
  });

  it('keeps no path and no secret in an entry: the names and numbers of the table only', async () => {
    const s = sb.clone();
    const secret = 'hunter2-metrics-cache-secret';
    s.editPlan((y) =>
      y.replace(
        '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
        '  notifications:\n    hook: { type: webhook, url: "${HOOK_URL}", retries: 0 }',
      ),
    );
    const { env, folder } = cacheDir();
    const r = await s.cmd('status', ['--json'], { env: { ...env, HOOK_URL: `http://127.0.0.1:9/${secret}` } });
    expect(r.code).toBe(0);
    const [name] = tableEntries(folder);
    const text = readFileSync(path.join(folder, name!), 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(s.dir);
    expect(text).not.toContain('recommendations-metrics');
    const body = JSON.parse((JSON.parse(text) as { body: string }).body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['series', 'sha', 'stamp', 'typical', 'verifiedAt']);
    expect(body['sha']).toMatch(/^[0-9a-f]{64}$/);
    // names and numbers only: [metric, [[cohort, [time runs], [values], spacing?], …]]
    const atoms = JSON.stringify(body.series).match(/"[^"]*"/g) ?? [];
    const names = new Set(s.metrics().flatMap((r) => [r.metric, r.cohort]));
    for (const a of atoms) expect(names.has(JSON.parse(a) as string)).toBe(true);
  });
});
