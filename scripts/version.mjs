// Writes src/version.ts from package.json's version, the one place the version is kept. Run by
// `npm run build` before tsc; test/plan/version.test.ts fails when the two disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const file = path.join(root, 'src', 'version.ts');
const text = `/** Generated from package.json by scripts/version.mjs (npm run build): edit the version there. */\nexport const VERSION = '${version}';\n`;
let old = '';
try {
  old = readFileSync(file, 'utf8');
} catch {}
if (old !== text) writeFileSync(file, text);
