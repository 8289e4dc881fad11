#!/usr/bin/env node
/**
 * The second step of `npm run build` (after tsc): bundles the tsc output, from dist/index.js down
 * through every module it imports, into one script, dist/rollout.bundle.cjs, that bin/rollout.js
 * compiles with a V8 code cache (bin/bundle-runner.js). Node 20 compiles every ES module from source
 * on every run and has no module compile cache; one script with cached bytecode starts in a fraction
 * of the time (bench/startup.mjs measures both).
 *
 * What goes in: all of our modules (found by esbuild from the entry, lazy `await import()`s
 * included: they stay lazy, wrapped in esbuild's init functions), and the npm packages that the
 * modules run on every start import statically (commander) or that are hundreds of small files
 * (@stdlib). Every other package stays outside and is loaded by Node when the code reaches it, as
 * without the bundle (yaml, axios… are large and only some commands need them), except packages
 * that Node 20.17 could not `require()` (ES-module-only ones), which are bundled where they are
 * imported. zod gets a script of its own (VENDORS below), loaded by the bundle when it needs zod.
 *
 * Also written: dist/rollout.bundle.json, the manifest bin/rollout.js reads ({ file, sha256,
 * encoding, version, vendors: { zod: { file, sha256, encoding } } }; the hashes key the code cache).
 * The tool runs without the bundle too (ROLLOUT_NO_BUNDLE=1).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const entry = path.join(dist, 'index.js');
const outName = 'rollout.bundle.cjs';
const outFile = path.join(dist, outName);

const isBare = (spec) => !spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('node:');
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const isStatic = (kind) => kind === 'import-statement' || kind === 'require-call';

/** The packages to bundle: those imported statically by the modules every run loads, and the ES-module-only ones. */
async function packagesToBundle() {
  const { metafile } = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    packages: 'external',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const inputs = metafile.inputs;
  const keep = new Set();
  // the start-up modules: reached from the entry through static imports only
  const seen = new Set();
  const queue = [path.relative(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !inputs[file]) continue;
    seen.add(file);
    for (const imp of inputs[file].imports) {
      if (!isStatic(imp.kind)) continue;
      if (imp.external) {
        if (isBare(imp.path)) keep.add(packageOf(imp.path));
      } else queue.push(imp.path);
    }
  }
  for (const [file, input] of Object.entries(inputs)) {
    for (const imp of input.imports) {
      if (imp.external && isStatic(imp.kind) && isBare(imp.path) && esmOnly(imp.path, path.resolve(root, file)))
        keep.add(packageOf(imp.path));
      // @stdlib's distributions are hundreds of tiny CommonJS files: loading them one by one costs more
      // than the gate itself (status: ~250 files); in the bundle they are one compiled, cached script
      if (imp.external && isStatic(imp.kind) && imp.path.startsWith('@stdlib/')) keep.add(packageOf(imp.path));
    }
  }
  return keep;
}

/** Whether Node's require() (without require(esm), before Node 20.19) cannot load `spec`. */
function esmOnly(spec, importer) {
  let resolved;
  try {
    resolved = createRequire(importer).resolve(spec);
  } catch (e) {
    return e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'; // no "require" export (not installed: left to fail as unbundled)
  }
  if (resolved.endsWith('.mjs')) return true;
  if (resolved.endsWith('.cjs') || !resolved.endsWith('.js')) return false;
  for (let dir = path.dirname(resolved); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch {
      // no package.json here: look further up
    }
  }
  return false;
}

/** Packages not in `keep` stay outside: `require()`d (static imports) or `import()`ed (lazy ones) at run time. */
const externals = (keep) => ({
  name: 'externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      // a bundled package's own dependencies are bundled with it
      if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      return keep.has(packageOf(args.path)) ? undefined : { external: true };
    });
  },
});

/**
 * Two things a CommonJS script compiled by vm.Script cannot do as an ES module does, rewritten in each
 * bundled file:
 *   - `import.meta.url` (the CommonJS output has no import.meta): the URL of the module's own file;
 *   - `import('package')`: on Node 20 a vm.Script's import() needs an experimental option that warns
 *     on stderr and is lost with the code cache, so it calls `__import`, which bin/bundle-runner.js
 *     passes in: Node's own import() from a CommonJS module, as unbundled code gets.
 * Imports of our own modules (`import('./commands/status.js')`) are esbuild's: they stay in the bundle.
 */
const DYNAMIC_IMPORT = /(?<![\w$.])import\((['"])([^'"./][^'"]*)\1\)/g;
const rewrites = {
  name: 'rewrites',
  setup(build) {
    build.onLoad({ filter: /\.(js|mjs|cjs)$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta') && !text.includes('import(')) return undefined;
      const rel = path.relative(dist, args.path).split(path.sep).join('/');
      const contents = text
        .replaceAll(
          'import.meta.url',
          `require("node:url").pathToFileURL(__dirname + ${JSON.stringify(`/${rel}`)}).href`,
        )
        .replace(DYNAMIC_IMPORT, (_, quote, spec) => `__import(${quote}${spec}${quote})`);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * zod re-exports every one of its ~50 message locales (`z.locales`, `z.core.locales`): 300 KB, a fifth
 * of the bundle, read and compiled on every start. The tool never picks a locale (zod's English ones,
 * set by zod itself from locales/en.js, are the only ones it shows), so in the bundle `locales` holds
 * English alone. The unbundled tsc output (ROLLOUT_NO_BUNDLE=1, --debug) loads zod as published.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: path.join(path.dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * Packages that get a script of their own (dist/vendor-<name>.bundle.cjs), compiled and cached like the
 * bundle, loaded when the bundle first require()s them (bin/bundle-runner.js). zod is 290 KB and a
 * thousand export getters set up at load, yet only validation, `rollout schema` and a refused state
 * file use it: in the bundle it would cost every start (status: ~5 ms of reading, compiling and
 * setting up getters) for nothing.
 */
const VENDORS = ['zod'];

/** Compiles `entryPoints` into `file` as a function of CommonJS's five variables and __import; returns its bytes. */
async function buildScript(file, options) {
  const result = await esbuild.build({
    absWorkingDir: root,
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20.17',
    charset: 'ascii', // so that it can be read as latin1, much faster than utf8 on Node 20
    legalComments: 'none',
    // a smaller file reads faster; names are kept (whoever reads a stack trace of the bundle, or uses
    // fn.name, sees the source's names), and --debug runs the unbundled tsc output anyway
    minifyWhitespace: true,
    minifySyntax: true,
    // bin/bundle-runner.js compiles the file as a function of CommonJS's five variables and __import
    banner: { js: '(function (exports, require, module, __filename, __dirname, __import) {' },
    footer: { js: '})' },
    metafile: true,
    logLevel: 'warning',
    ...options,
  });
  if (result.errors.length > 0) process.exit(1);
  // esbuild's charset 'ascii' escapes strings, templates and identifiers but not regular expression
  // literals (/ in phase ≥ /g); one such character made the whole 1.3 MB script a two-byte string, read
  // through the slow utf8 path. A \uXXXX escape means the same character in a regular expression too
  // (a surrogate pair escaped as two is one code point under the u flag, two code units without it).
  const text = readFileSync(file, 'utf8');
  if (/[^\0-\x7f]/.test(text)) {
    // `\≥` would become `\\u2265`, a backslash and "u2265": refused, the source can write the escape itself
    if (/(?<!\\)(\\\\)*\\[^\0-\x7f]/.test(text)) throw new Error(`a backslash before a non-ASCII character in ${file}`);
    const escaped = text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    writeFileSync(file, escaped);
  }
  return { result, bytes: readFileSync(file) };
}

const describeScript = (name, bytes) => ({
  file: name,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  // esbuild escapes non-ASCII characters in code; one left in a comment makes it utf8
  encoding: bytes.every((b) => b < 0x80) ? 'latin1' : 'utf8',
});

/** A digest of every module of the tsc output (src/cli/load-plan.ts keys its validation cache on it). */
function buildId() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js'))
        hash.update(path.relative(dist, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(dist);
  return hash.digest('hex');
}

const keep = await packagesToBundle();
for (const v of VENDORS) keep.delete(v);
const { result } = await buildScript(outFile, {
  entryPoints: [entry],
  plugins: [externals(keep), rewrites],
  define: { ROLLOUT_BUILD_ID: JSON.stringify(buildId()) },
});
const left = Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
  input.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => `${file}: import('${i.path}')`),
);
if (left.length > 0)
  throw new Error(
    `import() that the bundle cannot run (write it as import('name') with a literal name):\n${left.join('\n')}`,
  );
const vendors = {};
for (const v of VENDORS) {
  const name = `vendor-${v}.bundle.cjs`;
  const { bytes } = await buildScript(path.join(dist, name), {
    // the package's ES-module build (as the bundle had it), every export of it
    stdin: { contents: `export * from ${JSON.stringify(v)};`, resolveDir: root, loader: 'js' },
    plugins: [englishOnly],
  });
  vendors[v] = describeScript(name, bytes);
}
const bytes = readFileSync(outFile);
const { VERSION } = await import(pathToFileURL(path.join(dist, 'version.js')).href);
const manifest = { ...describeScript(outName, bytes), version: VERSION, vendors };
writeFileSync(path.join(dist, 'rollout.bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `dist/${outName}: ${(bytes.length / 1024).toFixed(0)} KiB, bundled packages: ${[...keep].sort().join(', ') || 'none'}; ${VENDORS.map((v) => `dist/vendor-${v}.bundle.cjs`).join(', ')}`,
);
