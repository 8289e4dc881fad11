/**
 * Issue 7 item 2, through the built binary: the validation cache cannot be poisoned. Another local
 * user could pre-create the cache folder open to everyone and plant an entry (its key is built from
 * readable inputs), whose checklist `run:` would then run as the victim. The attack is replayed on
 * every place the cache has lived ($TMPDIR/rollout-cache-<uid>, XDG_CACHE_HOME, ~/.cache): every entry
 * the tool wrote is rewritten to carry a planted `run:` and the folders are opened to everyone.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

interface Homes {
  tmp: string;
  xdg: string;
  home: string;
  env: Record<string, string | undefined>;
}

/** A private TMPDIR, XDG_CACHE_HOME and HOME per test, so the attack never touches the real ones. */
function homes(sb: Sandbox, opts: { xdg?: boolean } = {}): Homes {
  const tmp = sb.path('tmp');
  const xdg = sb.path('xdg-cache');
  const home = sb.path('home');
  for (const d of [tmp, home]) mkdirSync(d, { recursive: true });
  return {
    tmp,
    xdg,
    home,
    env: {
      TMPDIR: tmp,
      XDG_CACHE_HOME: opts.xdg === false ? undefined : xdg,
      HOME: home,
      ROLLOUT_NO_CACHE: undefined,
      ROLLOUT_CACHE_DIR: undefined,
    },
  };
}

/** Every cache entry file wherever a version of rollout may have written one. */
function entries(h: Homes): string[] {
  const dirs = [
    path.join(h.tmp, `rollout-cache-${process.getuid!()}`),
    path.join(h.xdg, 'rollout'),
    path.join(h.home, '.cache', 'rollout'),
  ];
  return dirs
    .filter((d) => existsSync(d))
    .flatMap((d) =>
      readdirSync(d)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join(d, f)),
    );
}

/** The attacker's edit: the first phase's checklist becomes one planted command; folders opened to all. */
function plant(h: Homes, marker: string): number {
  const files = entries(h);
  for (const f of files) {
    const raw = JSON.parse(readFileSync(f, 'utf8'));
    const edit = (e: any) => {
      e.plan.phases[0].checklist = [{ id: 'planted', text: 'planted', run: `touch ${marker}` }];
      return e;
    };
    // a signed entry keeps its signature: the attacker cannot make a new one without the key
    const next =
      typeof raw.body === 'string' ? { ...raw, body: JSON.stringify(edit(JSON.parse(raw.body))) } : edit(raw);
    writeFileSync(f, JSON.stringify(next));
    chmodSync(path.dirname(f), 0o777);
    chmodSync(f, 0o666);
  }
  return files.length;
}

describe('a planted cache entry never runs', () => {
  it.each([
    ['XDG_CACHE_HOME set', { xdg: true }],
    ['only HOME (~/.cache)', { xdg: false }],
  ])('%s: an entry rewritten with a run: is ignored and the plan file is what runs', async (_n, o) => {
    const sb = Sandbox.create({ now: T.canary5 });
    const h = homes(sb, o);
    const marker = sb.path('PWNED');
    const first = await sb.cmd('validate', [], { env: h.env });
    expect(first.code).toBe(0);
    expect(plant(h, marker)).toBeGreaterThan(0);
    const r = await sb.cmd('checklist', ['--yes', '--json'], { env: h.env });
    expect(existsSync(marker)).toBe(false);
    expect(r.code).toBe(0);
    // the reference checklist, not the planted one
    expect(r.json().items.map((i: { id: string }) => i.id)).not.toContain('planted');
    expect(r.json().items).toHaveLength(7);
  });

  it("a cache folder open to others, or not the user's, is refused with a warning and never read", async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const h = homes(sb);
    expect((await sb.cmd('validate', [], { env: h.env })).code).toBe(0);
    const dir = path.join(h.xdg, 'rollout');
    chmodSync(dir, 0o777);
    const r = await sb.cmd('status', ['--json'], { env: h.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/validation cache .* is open to others .*; it is not used/);
  });

  it('a cache folder that is a symbolic link (to a folder someone else prepared) is refused', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const h = homes(sb);
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'rollout-planted-'));
    mkdirSync(h.xdg, { recursive: true });
    symlinkSync(elsewhere, path.join(h.xdg, 'rollout'));
    const r = await sb.cmd('validate', [], { env: h.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/is a symbolic link; it is not used/);
    expect(readdirSync(elsewhere)).toEqual([]);
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it("lives under the user's cache folder, created 0700, its files 0600, and still speeds up a second run", async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const h = homes(sb);
    expect((await sb.cmd('validate', [], { env: h.env })).code).toBe(0);
    const dir = path.join(h.xdg, 'rollout');
    expect(lstatSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir);
    expect(files).toContain('key');
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    for (const f of files) expect({ f, mode: statSync(path.join(dir, f)).mode & 0o777 }).toEqual({ f, mode: 0o600 });
    expect(existsSync(path.join(h.tmp, `rollout-cache-${process.getuid!()}`))).toBe(false);
    // a hit answers the same
    const again = await sb.cmd('validate', ['--json'], { env: h.env });
    expect(again.code).toBe(0);
    expect(again.json().valid).toBe(true);
    expect(again.stderr).toBe('');
  });
});
