/**
 * Start-up (issue 12 item 5) through the built binary: bin/rollout.js runs dist/rollout.bundle.cjs
 * with a V8 code cache kept in the user's cache folder. A cache may only ever make the tool faster:
 * whatever the folder holds, the output and exit code are the same, and bytecode is only taken from
 * a folder and entries of the user's own that verify (V8 does not check what it is given: a damaged
 * entry handed over crashes it). Also: ROLLOUT_NO_BUNDLE=1, --debug and a stale bundle run the plain
 * tsc output; `--version` answers without loading the tool.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { baseEnv, REPO, removeSandboxes, Sandbox, T, tempDir, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

/** A fresh XDG cache home: the code cache goes to <it>/rollout. */
function cacheHome(): { env: Record<string, string>; folder: string } {
  const home = tempDir('rollout-startup-');
  return { env: { XDG_CACHE_HOME: home }, folder: path.join(home, 'rollout') };
}

const entries = (folder: string, command?: string): string[] =>
  existsSync(folder)
    ? readdirSync(folder).filter((n) => n.startsWith('code-') && n.endsWith(command ? `-${command}.v8` : '.v8'))
    : [];

function expectSame(r: CliResult, baseline: CliResult): void {
  expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({
    code: baseline.code,
    signal: null,
    stderr: baseline.stderr,
  });
  expect(r.stdout).toBe(baseline.stdout);
}

let sb: Sandbox;
/** status --json and validate --json from the unbundled tsc output: what every other run must print */
let statusPlain: CliResult;
let validatePlain: CliResult;
beforeAll(async () => {
  sb = Sandbox.create({ now: T.canary5 });
  const plain = { env: { ROLLOUT_NO_BUNDLE: '1', ROLLOUT_NO_CACHE: '1' } };
  statusPlain = await sb.cmd('status', ['--json'], plain);
  validatePlain = await sb.cmd('validate', ['--json'], plain);
  expect(statusPlain.code).toBe(0);
  expect(validatePlain.code).toBe(0);
});

describe('the bundle and its code cache', () => {
  it('prints what the tsc output prints, cold and with a warm cache; one entry per command, the folder 0700 and entries 0600', async () => {
    const { env, folder } = cacheHome();
    for (let i = 0; i < 2; i++) {
      expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
      expectSame(await sb.cmd('validate', ['--json'], { env }), validatePlain);
    }
    expect(entries(folder, 'status')).toHaveLength(1);
    expect(entries(folder, 'validate')).toHaveLength(1);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(folder))
      expect([name, statSync(path.join(folder, name)).mode & 0o777]).toEqual([name, 0o600]);
  });

  it('ignores and rewrites an entry that is damaged, truncated, empty, foreign or of another command', async () => {
    const { env, folder } = cacheHome();
    await sb.cmd('status', ['--json'], { env });
    await sb.cmd('validate', ['--json'], { env });
    const [statusEntry] = entries(folder, 'status');
    const [validateEntry] = entries(folder, 'validate');
    const file = path.join(folder, statusEntry!);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    // bytes of the bytecode itself, past the 32-byte MAC: without the MAC check V8 takes them and crashes
    for (const at of [4_000, 40_000, 90_000, good.length - 100]) flipped[at]! ^= 0xff;
    const damages: [string, () => void][] = [
      ['bytes flipped', () => writeFileSync(file, flipped, { mode: 0o600 })],
      ['truncated', () => writeFileSync(file, good.subarray(0, good.length >> 1), { mode: 0o600 })],
      ['empty', () => writeFileSync(file, '', { mode: 0o600 })],
      [
        'random',
        () =>
          writeFileSync(file, Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff)), {
            mode: 0o600,
          }),
      ],
      [
        'the validate entry under the status name',
        () => writeFileSync(file, readFileSync(path.join(folder, validateEntry!)), { mode: 0o600 }),
      ],
      [
        'made by another key',
        () => writeFileSync(file, Buffer.concat([Buffer.alloc(32, 7), good.subarray(32)]), { mode: 0o600 }),
      ],
    ];
    for (const [what, damage] of damages) {
      damage();
      const r = await sb.cmd('status', ['--json'], { env });
      expect({ what, code: r.code, signal: r.signal }).toEqual({ what, code: 0, signal: null });
      expectSame(r, statusPlain);
      // rewritten, and the rewritten entry is used as is
      expect([what, readFileSync(file).length > 1000]).toEqual([what, true]);
      const again = readFileSync(file);
      expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
      expect([what, readFileSync(file).equals(again)]).toEqual([what, true]);
    }
  });

  it('does not use a folder open to others or a symbolic link, nor an entry open to others or that is a link', async () => {
    // a folder writable by others: a planted entry is not read, nothing is written there
    const open = cacheHome();
    mkdirSync(open.folder, { recursive: true });
    chmodSync(open.folder, 0o777);
    // the same answer; the validation cache, which shares the folder, says why it is not used
    const r = await sb.cmd('status', ['--json'], { env: open.env });
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: statusPlain.code, stdout: statusPlain.stdout });
    expect(r.stderr).toBe(
      `${statusPlain.stderr}warning: the validation cache ${open.folder} is open to others (mode 777); it is not used (remove it, or set ROLLOUT_CACHE_DIR to a folder of your own)\n`,
    );
    expect(readdirSync(open.folder)).toEqual([]);

    // the folder is a link to a folder of ours: not followed
    const linked = cacheHome();
    const target = tempDir();
    chmodSync(target, 0o700);
    mkdirSync(path.dirname(linked.folder), { recursive: true });
    symlinkSync(target, linked.folder);
    const l = await sb.cmd('status', ['--json'], { env: linked.env });
    expect({ code: l.code, stdout: l.stdout }).toEqual({ code: statusPlain.code, stdout: statusPlain.stdout });
    expect(l.stderr).toBe(
      `${statusPlain.stderr}warning: the validation cache ${linked.folder} is a symbolic link; it is not used (remove it, or set ROLLOUT_CACHE_DIR to a folder of your own)\n`,
    );
    expect(readdirSync(target)).toEqual([]);

    // entries: one readable by others, one a link to a good entry elsewhere
    const { env, folder } = cacheHome();
    await sb.cmd('status', ['--json'], { env });
    const [name] = entries(folder, 'status');
    const file = path.join(folder, name!);
    chmodSync(file, 0o644);
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    expect(lstatSync(file).mode & 0o777).toBe(0o600); // replaced by a private one
    const elsewhere = path.join(tempDir(), 'entry.v8');
    cpSync(file, elsewhere);
    rmSync(file);
    symlinkSync(elsewhere, file);
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
  });

  it('the bytecode of a run that filled the validation cache is replaced by that of the next, usual run, once', async () => {
    const { env, folder } = cacheHome();
    // the first run validates the plan (yaml, zod) and keeps the result: one-off work
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    const [name] = entries(folder, 'status');
    const file = path.join(folder, name!);
    const first = readFileSync(file);
    expect(first[32]).toBe(1); // marked one-off, under the MAC
    // the next runs skip the validator: the entry becomes theirs (compiled afresh), smaller, and then stays
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    const usual = readFileSync(file);
    expect(usual[32]).toBe(0);
    expect(usual.length).toBeLessThan(first.length);
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    expect(readFileSync(file).equals(usual)).toBe(true);
    // the mark is under the MAC: flipped, the entry is not used, and is written again
    const flipped = Buffer.from(usual);
    flipped[32] = 1;
    writeFileSync(file, flipped, { mode: 0o600 });
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    expect(readFileSync(file).equals(flipped)).toBe(false);
    expect(readFileSync(file)[32]).toBe(0);
  });

  it('a plan that is validated on every run (its placeholders are never cached) keeps the bytecode of that run', async () => {
    const { env, folder } = cacheHome();
    const s = sb.clone();
    let name0 = '';
    s.editPlan((yaml) =>
      yaml.replace(/^name: (.*)$/m, (_, n: string) => {
        name0 = n;
        return 'name: ${ROLLOUT_TEST_PLAN_NAME}';
      }),
    );
    const e = { ...env, ROLLOUT_TEST_PLAN_NAME: name0 };
    const a = await s.cmd('status', ['--json'], { env: e });
    expect(a.code).toBe(0);
    const [name] = entries(folder, 'status');
    expect(readFileSync(path.join(folder, name!))[32]).toBe(0);
    const before = readFileSync(path.join(folder, name!));
    expect((await s.cmd('status', ['--json'], { env: e })).stdout).toBe(a.stdout);
    expect(readFileSync(path.join(folder, name!)).equals(before)).toBe(true);
  });

  it('keeps no code cache with ROLLOUT_NO_CACHE=1, and keeps at most 64 entries (the oldest go)', async () => {
    const off = cacheHome();
    expectSame(await sb.cmd('status', ['--json'], { env: { ...off.env, ROLLOUT_NO_CACHE: '1' } }), statusPlain);
    expect(entries(off.folder)).toEqual([]);

    const { env, folder } = cacheHome();
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 70; i++) {
      const f = path.join(folder, `code-${String(i).padStart(16, '0')}-0000000000000000-status.v8`);
      writeFileSync(f, 'old', { mode: 0o600 });
      utimesSync(f, new Date(Date.UTC(2020, 0, 1 + i)), new Date(Date.UTC(2020, 0, 1 + i)));
    }
    expectSame(await sb.cmd('status', ['--json'], { env }), statusPlain);
    const left = entries(folder);
    expect(left).toHaveLength(64);
    expect(left.some((n) => n.startsWith('code-0000000000000000-'))).toBe(false);
    expect(left.some((n) => n.startsWith('code-0000000000000069-'))).toBe(true);
  });
});

describe('what runs', () => {
  it('--version and -V print the version of the build, from the bundle or not', async () => {
    const version = /export const VERSION = '([^']+)'/.exec(
      readFileSync(path.join(REPO, 'src/version.ts'), 'utf8'),
    )![1]!;
    for (const args of [['--version'], ['-V']]) {
      for (const env of [{}, { ROLLOUT_NO_BUNDLE: '1' }]) {
        const r = await sb.run(args, { env });
        expect({ args, env, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
          args,
          env,
          code: 0,
          stdout: `${version}\n`,
          stderr: '',
        });
      }
    }
  });

  it('the bundle and the zod script are ASCII, read as latin1 (one non-ASCII character made the bundle a two-byte string, read as utf8); zod is in a script of its own, with no locale but English', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO, 'dist/rollout.bundle.json'), 'utf8'));
    const bytes = readFileSync(path.join(REPO, 'dist', manifest.file));
    expect(manifest.encoding).toBe('latin1');
    expect(bytes.findIndex((b) => b >= 0x80)).toBe(-1);
    // the Portuguese phrases' "≥" and the "µs" time unit, escaped inside regular expressions
    expect(bytes.includes('\\u2265')).toBe(true);
    // the validation cache is keyed on the build's digest (no stat of the validator's files on each start)
    expect(/"bundle:[0-9a-f]{64}"/.test(bytes.toString('latin1'))).toBe(true);
    // zod is not in the bundle: the bundle requires it, from its own script
    expect(bytes.includes('require("zod")')).toBe(true);
    expect([bytes.includes('$ZodType'), bytes.includes('Too big')]).toEqual([false, false]);
    const zod = manifest.vendors.zod;
    const vendor = readFileSync(path.join(REPO, 'dist', zod.file));
    expect([zod.encoding, vendor.findIndex((b) => b >= 0x80)]).toEqual(['latin1', -1]);
    expect(createHash('sha256').update(vendor).digest('hex')).toBe(zod.sha256);
    // zod's Polish messages ("Nieprawidłowe dane wejściowe") are not in it; its English ones are
    expect(vendor.includes('Nieprawid')).toBe(false);
    expect([vendor.includes('Invalid input'), vendor.includes('$ZodType')]).toEqual([true, true]);
  });

  it('zod, loaded from its script with a code cache entry of its own, gives what the installed package gives; without its script, the installed package is used', async () => {
    const { env, folder } = cacheHome();
    const bad = sb.clone();
    bad.editPlan((yaml) => yaml.replace(/^(\s+traffic: )5$/m, '$1500'));
    const plain = await bad.cmd('validate', ['--json'], { env: { ROLLOUT_NO_BUNDLE: '1', ROLLOUT_NO_CACHE: '1' } });
    expect(plain.code).toBe(2);
    expect(plain.stdout).toMatch(/traffic/);
    for (let i = 0; i < 2; i++) {
      expectSame(await bad.cmd('validate', ['--json'], { env }), plain);
      expectSame(await sb.cmd('validate', ['--json'], { env }), validatePlain);
    }
    expect(readdirSync(folder).filter((n) => n.endsWith('-validate+zod.v8'))).toHaveLength(1);
    // status, with the validation cache warm, does not load zod at all
    const { env: env2, folder: folder2 } = cacheHome();
    await sb.cmd('validate', ['--json'], { env: env2 });
    expectSame(await sb.cmd('status', ['--json'], { env: env2 }), statusPlain);
    expect(readdirSync(folder2).filter((n) => n.endsWith('-status+zod.v8'))).toEqual([]);
    // a build whose zod script is gone: the package as installed
    const copy = tempDir();
    cpSync(path.join(REPO, 'bin'), path.join(copy, 'bin'), { recursive: true });
    cpSync(path.join(REPO, 'dist'), path.join(copy, 'dist'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
    cpSync(path.join(REPO, 'package.json'), path.join(copy, 'package.json'));
    rmSync(path.join(copy, 'dist', 'vendor-zod.bundle.cjs'));
    const r = spawnSync(process.execPath, [path.join(copy, 'bin/rollout.js'), 'validate', bad.plan, '--json'], {
      cwd: bad.dir,
      env: { ...process.env, ...env, ROLLOUT_NOW: bad.clock.now, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect({ code: r.status, stdout: r.stdout }).toEqual({ code: plain.code, stdout: plain.stdout });
  });

  it('--debug runs the tsc output: a stack trace names its modules, not the bundle', async () => {
    const r = await sb.run(['--debug', 'validate', 'plans/missing.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dist\/cli\/load-plan\.js:\d+:\d+/);
    expect(r.stderr).not.toMatch(/rollout\.bundle\.cjs/);
    const quiet = await sb.run(['validate', 'plans/missing.yaml']);
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.startsWith(quiet.stderr)).toBe(true);
  });

  it('a bundle older than the tsc output is not used (tsc ran without the bundling step)', () => {
    const copy = tempDir();
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(path.join(REPO, part), path.join(copy, part), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(copy, 'dist/index.js'), later, later);
    const { env, folder } = cacheHome();
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(copy, 'bin/rollout.js'), ...args], {
        cwd: sb.dir,
        env: { ...baseEnv(), ...env, ROLLOUT_NOW: T.canary5 },
        encoding: 'utf8',
      });
    const r = run(['status', sb.plan, '--json']);
    expect({ code: r.status, stderr: r.stderr, stdout: r.stdout }).toEqual({
      code: 0,
      stderr: statusPlain.stderr,
      stdout: statusPlain.stdout,
    });
    expect(entries(folder)).toEqual([]); // the unbundled run keeps no code cache
  });
});
