/**
 * Compiles dist/rollout.bundle.cjs with vm.Script and a V8 code cache, and runs it as a CommonJS
 * module. Node 20 has no compile cache for modules (module.enableCompileCache came in Node 22), so the
 * tool keeps its own: the bytecode V8 made for the functions a command ran, saved when that command
 * succeeds and given back to V8 on the next run of the same command.
 *
 * The cache lives in the user's cache folder: ROLLOUT_CACHE_DIR, else $XDG_CACHE_HOME/rollout, else
 * ~/.cache/rollout; ROLLOUT_NO_CACHE=1 turns it off (both variables act on the validation cache too).
 * Bytecode is code, so the folder and entries get a validation cache's care:
 *   - the folder is created 0700 and not used when it is a symlink, not the user's, or writable by
 *     group or others; an entry is used only if it is a regular file of the user's, 0600;
 *   - one entry per bundle content (sha256), Node version, architecture, Node/V8 options and command;
 *     a vendor script (zod: scripts/bundle.mjs) has entries of its own, named `<command>+zod`;
 *   - each entry starts with an HMAC-SHA256 of its name and bytecode under a per-user random key kept
 *     in the folder (code-cache.key, 0600): V8 does not check the bytecode it is given, and a damaged
 *     or foreign entry could crash it, so an entry that does not verify is never handed over;
 *   - an entry V8 refuses (cachedDataRejected) or that is missing is rewritten when the command
 *     succeeds, through a temporary file and a rename; past 64 entries the oldest are removed;
 *   - a run that did one-off work says so (globalThis[Symbol.for('rollout.code-cache.one-off')], set
 *     by the tool when it filled the validation cache: the next runs of the plan skip yaml and zod):
 *     its entry is marked (a byte after the MAC, under the MAC) and not given to V8: the next run that
 *     is not one-off compiles afresh and replaces it, so a command's entry holds what its usual run
 *     compiles, not the validator it ran once (status: 761 KB instead of 1 036 KB, each byte read and
 *     deserialised on every start). Bytecode V8 took from an entry stays in what it gives back, so a
 *     run fed the one-off entry could never write a smaller one;
 *   - nothing about the cache can fail the command: every cache error means "no cache".
 */
'use strict';
const { createHash, createHmac, randomBytes, timingSafeEqual } = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const MAC_BYTES = 32;
/** after the MAC: whether the bytecode is that of a one-off run (1) or of a usual one (0) */
const KIND_BYTES = 1;
const ONE_OFF = Symbol.for('rollout.code-cache.one-off');
/** entries kept: commands × versions of the tool × Node versions */
const MAX_ENTRIES = 64;

function cacheFolder(env) {
  if (env.ROLLOUT_NO_CACHE) return undefined;
  if (env.ROLLOUT_CACHE_DIR) return path.resolve(env.ROLLOUT_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'rollout');
  return path.join(os.homedir(), '.cache', 'rollout');
}

/** Whether a folder or file (lstat) can be trusted with bytecode. */
function trusted(st, kind) {
  if (kind === 'dir' ? !st.isDirectory() : !st.isFile()) return false; // lstat: symlinks are neither
  if (process.getuid && st.uid !== process.getuid()) return false;
  return (st.mode & (kind === 'dir' ? 0o022 : 0o077)) === 0;
}

/** Writes `data` to `file` through a new temporary file (0600, never through a planted link) and a rename. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = fs.openSync(
      tmp,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
      0o600,
    );
    try {
      for (const chunk of data) {
        for (let done = 0; done < chunk.length; ) done += fs.writeSync(fd, chunk, done);
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** The per-user HMAC key, created on first use. */
function macKey(dir) {
  const file = path.join(dir, 'code-cache.key');
  try {
    if (!trusted(fs.lstatSync(file), 'file')) return undefined;
  } catch {
    writeAtomic(file, [randomBytes(MAC_BYTES)]);
    // a concurrent first run may have won the rename: read back whichever key is there
  }
  const key = fs.readFileSync(file);
  return key.length === MAC_BYTES ? key : undefined;
}

/** The cache folder, its key and this runtime's id, once per process; undefined when there is no usable folder. */
let folder;
function openFolder(env = process.env) {
  if (folder !== undefined) return folder || undefined;
  folder = false;
  try {
    const dir = cacheFolder(env);
    if (!dir) return undefined;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!trusted(fs.lstatSync(dir), 'dir')) return undefined;
    const key = macKey(dir);
    if (!key) return undefined;
    // V8 refuses bytecode made under other flags; a key per set of options keeps both sets cached
    const runtime = createHash('sha256')
      .update([process.version, process.arch, process.execArgv.join(' '), env.NODE_OPTIONS ?? ''].join('\0'))
      .digest('hex')
      .slice(0, 16);
    // commands run different code: each keeps the bytecode of its own run (the first word that looks
    // like a command names the entry; a word that is an option's value only makes one more entry)
    const first = process.argv.slice(2).find((a) => !a.startsWith('-'));
    const command = first && /^[a-z][a-z-]{0,23}$/.test(first) ? first : 'options';
    folder = { dir, key, runtime, command };
  } catch {
    return undefined;
  }
  return folder;
}

/**
 * The cache entry of a script (the bundle, or a vendor script: `part` is then `+name`), this runtime
 * and command; undefined when there is no usable cache folder.
 */
function openEntry(script, part = '') {
  const f = openFolder();
  if (!f) return undefined;
  const bundle = script.sha256.slice(0, 16);
  const name = `code-${bundle}-${f.runtime}-${f.command}${part}.v8`;
  return { dir: f.dir, key: f.key, bundle, name, file: path.join(f.dir, name) };
}

const mac = (entry, kind, data) =>
  createHmac('sha256', entry.key).update(entry.name).update('\0').update(kind).update(data).digest();

/** The verified entry ({ data, oneOff }: its bytecode, and whether a one-off run made it), or undefined. */
function readEntry(entry) {
  try {
    if (!trusted(fs.lstatSync(entry.file), 'file')) return undefined;
    const bytes = fs.readFileSync(entry.file);
    const given = bytes.subarray(0, MAC_BYTES);
    const kind = bytes.subarray(MAC_BYTES, MAC_BYTES + KIND_BYTES);
    const data = bytes.subarray(MAC_BYTES + KIND_BYTES);
    if (given.length !== MAC_BYTES || kind.length !== KIND_BYTES || kind[0] > 1) return undefined;
    return timingSafeEqual(given, mac(entry, kind, data)) ? { data, oneOff: kind[0] === 1 } : undefined;
  } catch {
    return undefined;
  }
}

function writeEntry(entry, data, oneOff) {
  try {
    // bounded: the oldest entries (other versions of the tool, other Node versions) make room
    const entries = fs
      .readdirSync(entry.dir)
      .filter((name) => name.startsWith('code-') && name.endsWith('.v8'))
      .map((name) => ({ name, mtime: fs.lstatSync(path.join(entry.dir, name)).mtimeMs }))
      .sort((a, b) => a.mtime - b.mtime);
    for (const old of entries.slice(0, Math.max(0, entries.length - MAX_ENTRIES + 1)))
      fs.rmSync(path.join(entry.dir, old.name), { force: true });
    const kind = Buffer.from([oneOff ? 1 : 0]);
    writeAtomic(entry.file, [mac(entry, kind, data), kind, data]);
  } catch {
    // a cache that cannot be written only costs time
  }
}

/**
 * Builtins that the start-up path imports but a run seldom calls: commander and the `run:` runner
 * import child_process (which brings net, dgram and the streams); the bundle gets an object that
 * loads it on first use. Its properties are read at each call (esbuild compiles `import { spawn }`
 * to `child_process.spawn(...)`), so nothing else changes.
 */
const LAZY_BUILTINS = new Set(['child_process', 'node:child_process']);

function lazyModule(load) {
  let loaded;
  const real = () => (loaded ??= load());
  return new Proxy(Object.create(null), {
    get: (_, key) => Reflect.get(real(), key),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      return d && { ...d, configurable: true };
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    defineProperty: (_, key, d) => Reflect.defineProperty(real(), key, d),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/**
 * The bundle's `require`: Node's, relative to the bundle, with the builtins above loaded lazily and
 * the vendor packages (scripts/bundle.mjs: zod) from their own compiled, cached script, once.
 */
function bundleRequire(file, vendors = {}) {
  const req = createRequire(file);
  const loaded = new Map();
  const vendor = (id) => {
    if (!loaded.has(id)) {
      const desc = vendors[id];
      const run = compile(path.join(path.dirname(file), desc.file), desc, `+${id}`);
      // without its script (removed by hand), the package as installed
      loaded.set(id, run ? run(req) : req(id));
    }
    return loaded.get(id);
  };
  return Object.assign(
    (id) => (Object.hasOwn(vendors, id) ? vendor(id) : LAZY_BUILTINS.has(id) ? lazyModule(() => req(id)) : req(id)),
    req,
  );
}

/** The bundle's `import('package')` (scripts/bundle.mjs rewrites it to this): Node's own, from here. */
const importPackage = (specifier) => import(specifier);

/**
 * Reads and compiles a script of the build (with its cache entry, see above); returns a function that
 * runs it as a CommonJS module with the given require and returns its exports, or undefined when it
 * cannot be read.
 */
function compile(file, desc, part) {
  let source;
  try {
    source = fs.readFileSync(file, desc.encoding === 'latin1' ? 'latin1' : 'utf8');
  } catch {
    return undefined;
  }
  const entry = openEntry(desc, part);
  const cached = entry && readEntry(entry);
  const script = new vm.Script(source, {
    filename: file,
    cachedData: cached && !cached.oneOff ? cached.data : undefined,
  });
  if (entry && (!cached || cached.oneOff || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code !== 0) return;
      const oneOff = globalThis[ONE_OFF] === true;
      // a one-off entry is replaced by a usual run's, not by another one-off run's
      if (!cached || script.cachedDataRejected || !oneOff) writeEntry(entry, script.createCachedData(), oneOff);
    });
  }
  const wrapper = script.runInThisContext();
  return (require) => {
    const module = { exports: {}, filename: file };
    wrapper.call(module.exports, module.exports, require, module, file, path.dirname(file), importPackage);
    return module.exports;
  };
}

/**
 * Reads and compiles the bundle; returns the function that runs it, or undefined when it cannot be
 * read (the caller then runs the unbundled build).
 */
function loadBundle(file, manifest) {
  const run = compile(file, manifest, '');
  return run && (() => run(bundleRequire(file, manifest.vendors)));
}

module.exports = { loadBundle };
