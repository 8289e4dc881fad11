/**
 * The parsed metrics file kept in the user's cache folder (src/providers/metrics/file/table-cache.ts),
 * through the built binary. A cache may only make `status` faster: whatever the folder holds, the
 * output is the output of parsing the file afresh. A file edited to the same size with its times put
 * back is read again; an entry that is damaged, forged or of another file is ignored; a folder that
 * cannot be written costs time only; an entry holds numbers and names, never a secret or a path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
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

/** An entry's parts: after its 32-byte signature, "RTB4", the head's length, the head (JSON), padding to 8, the doubles. */
function parts(entry: Buffer): { head: Buffer; rows: Buffer; table: unknown } {
  const bytes = entry.subarray(32);
  const length = bytes.readUInt32LE(4);
  const head = bytes.subarray(8, 8 + length);
  const rows = bytes.subarray(Math.ceil((8 + length) / 8) * 8);
  const { verifiedAt, ...rest } = JSON.parse(head.toString('utf8')) as Record<string, unknown>;
  return { head, rows, table: { ...rest, verifiedAt: typeof verifiedAt, rows: rows.toString('hex') } };
}

/** The signature the tool puts on a binary entry (src/cli/plan-cache.ts), with the key in the folder. */
const sign = (folder: string, name: string, bytes: Buffer): Buffer =>
  createHmac('sha256', Buffer.from(readFileSync(path.join(folder, 'key'), 'utf8').trim(), 'hex'))
    .update(name.replace(/\.bin$/, ''))
    .update('\0bytes\0')
    .update(bytes)
    .digest();

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

  it('removes the JSON entry an older version kept for the same file when it writes its own', async () => {
    const { env, folder } = cacheDir();
    expectSame(await sb.cmd('status', ['--json'], { env }), plain);
    const [name] = tableEntries(folder);
    expect(name).toMatch(/^metrics-table-[0-9a-f]{32}\.bin$/);
    const old = path.join(folder, name!.replace(/\.bin$/, '.json'));
    writeFileSync(old, JSON.stringify({ mac: '00', body: '{}' }), { mode: 0o600 });
    rmSync(path.join(folder, name!));
    expectSame(await sb.cmd('status', ['--json'], { env }), plain);
    expect(tableEntries(folder)).toEqual([name]);
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
    const good = readFileSync(file);
    const { head, rows } = parts(good);
    // every value zero: a forged table that would pass every SLO, under the old signature
    const zeros = Buffer.concat([good.subarray(0, 32 + 8 + head.length), Buffer.alloc(good.length - 40 - head.length)]);
    for (const bad of [
      Buffer.alloc(0),
      good.subarray(0, good.length >> 1),
      Buffer.from('not an entry'),
      zeros,
      // a signed entry cut short, as a crash mid-write never leaves one (rename) but a disk might
      Buffer.concat([good.subarray(0, 32), good.subarray(32, good.length - 8)]),
    ]) {
      writeFileSync(file, bad, { mode: 0o600 });
      expectSame(await sb.cmd('status', ['--json'], { env }), plain);
      // rewritten by the fresh parse: the same table and stamp (only the time it was verified moves)
      expect(parts(readFileSync(file)).table).toEqual(parts(good).table);
    }
    // signed with the user's own key (as only the tool can), yet not a table: a miss all the same
    const signed = (bytes: Buffer) => Buffer.concat([sign(folder, name!, bytes), bytes]);
    const entry = (magic: string, h: Buffer, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(h.length);
      const pad = Buffer.alloc((8 - ((8 + h.length) % 8)) % 8);
      return Buffer.concat([Buffer.from(magic, 'latin1'), len, h, pad, data]);
    };
    const json = JSON.parse(head.toString('utf8')) as Record<string, unknown>;
    const withHead = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...json, ...change }), 'utf8');
    for (const bad of [
      entry('RTB1', head, rows), // another format
      entry('RTB4', head, rows.subarray(0, rows.length - 8)), // a row short
      entry('RTB4', head, Buffer.concat([rows, Buffer.alloc(8)])), // a row too many
      entry('RTB4', withHead({ littleEndian: !json['littleEndian'] }), rows),
      entry('RTB4', withHead({ series: 'x' }), rows),
      entry('RTB4', withHead({ verifiedAt: 'now' }), rows),
      entry('RTB4', withHead({ typical: 'often' }), rows),
      entry('RTB4', Buffer.from('{"stamp":', 'utf8'), rows),
    ]) {
      writeFileSync(file, signed(bad), { mode: 0o600 });
      expectSame(await sb.cmd('status', ['--json'], { env }), plain);
      expect(parts(readFileSync(file)).table).toEqual(parts(good).table);
    }
    // and the good entry, signed again, is used: the check is the signature and the shape, not a byte compare
    writeFileSync(file, signed(good.subarray(32)), { mode: 0o600 });
    expectSame(await sb.cmd('status', ['--json'], { env }), plain);
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
    const bytes = readFileSync(path.join(folder, name!));
    const text = bytes.toString('latin1');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(s.dir);
    expect(text).not.toContain('recommendations-metrics');
    const { head, rows } = parts(bytes);
    const body = JSON.parse(head.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['littleEndian', 'series', 'sha', 'stamp', 'typical', 'verifiedAt']);
    expect(body['sha']).toMatch(/^[0-9a-f]{64}$/);
    // names and numbers only: the head is [metric, [[cohort, rows, spacing?], …]], the rest doubles
    const atoms = JSON.stringify(body['series']).match(/"[^"]*"/g) ?? [];
    const names = new Set(s.metrics().flatMap((r) => [r.metric, r.cohort]));
    expect(rows.length % 16).toBe(0);
    for (const a of atoms) expect(names.has(JSON.parse(a) as string)).toBe(true);
  });
});
