/**
 * The validation cache: validated plans by content, so commands run on a schedule skip yaml and zod.
 * A cache entry is as powerful as the plan it stands for (its checklist `run:` commands run as the
 * user), so it is kept where only the user can write and every entry is authenticated:
 *
 * - the folder is `ROLLOUT_CACHE_DIR`, else `$XDG_CACHE_HOME/rollout`, else `~/.cache/rollout`; it is
 *   created 0700 and refused (not read, not written) when it is a symlink, not owned by the user, or
 *   writable by group or others;
 * - every entry carries an HMAC-SHA256 over its key and content with a per-user random key kept in the
 *   folder (0600, refused on the same terms); an entry that does not verify is ignored;
 * - files are created 0600, through a temporary file and a rename (never through a planted symlink).
 *
 * Why not the key alone: it is built from readable inputs (the plan, the environment values it names,
 * the tool's version), so anyone could compute it; the HMAC key is the one thing they cannot read.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface CacheDir {
  dir: string;
  key: Buffer;
}

/** Where the cache lives; `undefined` when it is turned off. */
export function cacheLocation(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['ROLLOUT_NO_CACHE']) return undefined;
  if (env['ROLLOUT_CACHE_DIR']) return path.resolve(env['ROLLOUT_CACHE_DIR']);
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'rollout');
  try {
    return path.join(homedir(), '.cache', 'rollout');
  } catch {
    return undefined;
  }
}

/** Why a file or folder cannot be trusted, or undefined when it can. */
export function untrusted(st: Stats, kind: 'dir' | 'file'): string | undefined {
  if (st.isSymbolicLink()) return 'is a symbolic link';
  if (kind === 'dir' ? !st.isDirectory() : !st.isFile())
    return kind === 'dir' ? 'is not a folder' : 'is not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `belongs to uid ${st.uid}, not to you (uid ${uid})`;
  if ((st.mode & (kind === 'dir' ? 0o022 : 0o077)) !== 0)
    return `is open to others (mode ${(st.mode & 0o777).toString(8)})`;
  return undefined;
}

/** The cache folder and its HMAC key, or the reason the cache is not used. */
export function openCache(env: NodeJS.ProcessEnv = process.env): CacheDir | { refused: string } | undefined {
  const dir = cacheLocation(env);
  if (!dir) return undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const why = untrusted(lstatSync(dir), 'dir');
    if (why)
      return {
        refused: `the validation cache ${dir} ${why}; it is not used (remove it, or set ROLLOUT_CACHE_DIR to a folder of your own)`,
      };
    return { dir, key: readKey(path.join(dir, 'key')) };
  } catch (e) {
    if (e instanceof RefusedKey) return { refused: e.message };
    // a cache that cannot be set up only costs time
    return undefined;
  }
}

class RefusedKey extends Error {}

function readKey(file: string): Buffer {
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, randomBytes(32).toString('hex'));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const why = untrusted(lstatSync(file), 'file');
  if (why) throw new RefusedKey(`the validation cache key ${file} ${why}; the cache is not used (remove the file)`);
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length < 32)
    throw new RefusedKey(`the validation cache key ${file} is damaged; the cache is not used (remove the file)`);
  return key;
}

const mac = (c: CacheDir, key: string, body: string): Buffer =>
  createHmac('sha256', c.key).update(key).update('\0').update(body).digest();

/** The body stored under `key`, when it is there, is ours and verifies; anything else is a miss. */
export function readEntry(c: CacheDir, key: string): string | undefined {
  const file = path.join(c.dir, `${key}.json`);
  try {
    if (untrusted(lstatSync(file), 'file')) return undefined;
    const e = JSON.parse(readFileSync(file, 'utf8')) as { mac?: unknown; body?: unknown };
    if (typeof e.mac !== 'string' || typeof e.body !== 'string') return undefined;
    const given = Buffer.from(e.mac, 'hex');
    const want = mac(c, key, e.body);
    return given.length === want.length && timingSafeEqual(given, want) ? e.body : undefined;
  } catch {
    return undefined;
  }
}

export function writeEntry(c: CacheDir, key: string, body: string): void {
  writeAtomic(c, `${key}.json`, [JSON.stringify({ mac: mac(c, key, body).toString('hex'), body })]);
}

/** A binary entry's HMAC: over its key and bytes, apart from the text entries' (another separator). */
const macBytes = (c: CacheDir, key: string, bytes: readonly Uint8Array[]): Buffer => {
  const h = createHmac('sha256', c.key).update(key).update('\0bytes\0');
  for (const b of bytes) h.update(b);
  return h.digest();
};
const MAC_BYTES = 32;

/**
 * The bytes stored under `key` (a binary entry, `<key>.bin`: its HMAC, then the bytes), when they are
 * there, ours and verify; anything else is a miss. For data a text entry would spend more time
 * parsing than reading (a metrics table: numbers by the ten thousand).
 */
export function readBytesEntry(c: CacheDir, key: string): Buffer | undefined {
  const file = path.join(c.dir, `${key}.bin`);
  try {
    if (untrusted(lstatSync(file), 'file')) return undefined;
    const all = readFileSync(file);
    if (all.length < MAC_BYTES) return undefined;
    const bytes = all.subarray(MAC_BYTES);
    return timingSafeEqual(all.subarray(0, MAC_BYTES), macBytes(c, key, [bytes])) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

export function writeBytesEntry(c: CacheDir, key: string, bytes: readonly Uint8Array[]): void {
  writeAtomic(c, `${key}.bin`, [macBytes(c, key, bytes), ...bytes]);
  // a text entry under the same key is what an older version kept there (the metrics table was
  // JSON): nothing reads it any more
  try {
    rmSync(path.join(c.dir, `${key}.json`), { force: true });
  } catch {
    // not a file (a folder in its place): left as it is
  }
}

/** Writes a file of the folder through a new temporary file (0600, never through a planted link) and a rename. */
function writeAtomic(c: CacheDir, name: string, chunks: readonly (string | Uint8Array)[]): void {
  const tmp = path.join(c.dir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      for (const chunk of chunks) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        for (let done = 0; done < b.length; ) done += writeSync(fd, b, done);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path.join(c.dir, name));
  } catch {
    // A cache that cannot be written only costs time.
    rmSync(tmp, { force: true });
  }
}
