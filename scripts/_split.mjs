import * as esbuild from 'esbuild';
const r = await esbuild.build({
  absWorkingDir: '/work/main',
  entryPoints: ['dist/index.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  splitting: true,
  outdir: '/tmp/split',
  metafile: true,
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  external: [
    'yaml',
    'axios',
    'pg',
    '@inquirer/prompts',
    'ora',
    'chalk',
    'fastest-levenshtein',
    'write-file-atomic',
    'proper-lockfile',
    'node:*',
  ],
  logLevel: 'warning',
});
let tot = 0;
for (const [f, o] of Object.entries(r.metafile.outputs).sort((a, b) => b[1].bytes - a[1].bytes)) {
  tot += o.bytes;
  const top = Object.entries(o.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 2)
    .map((x) => x[0].replace('node_modules/', '').slice(0, 50));
  console.log((o.bytes / 1024).toFixed(0).padStart(5), f.slice(0, 40), top.join(' '));
}
console.log(tot / 1024);
