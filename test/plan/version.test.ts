/** The version is kept in package.json; src/version.ts is generated from it by the build. */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../../src/version.js';

test('src/version.ts says the version package.json says', () => {
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));
  expect(VERSION).toBe(pkg.version);
});
