/** The state store suite on the file backend. */
import { afterAll } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileStore } from '../../src/state/file-store.js';
import { storeSuite } from './store-suite.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'file-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeSuite('file', () => ({
  make: (plan, o) => createFileStore({ dir, plan, now: () => new Date(), lockWaitMs: o?.lockWaitMs ?? 2000 }),
  async cutJournal(plan, keep) {
    const file = path.join(dir, `${plan}.journal.jsonl`);
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, keep);
    writeFileSync(file, `${lines.join('\n')}\n`);
  },
}));
