/** The state store contract (./state-store.ts) over the file store. */
import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileStore } from '../../src/state/file-store.js';
import { stateStoreContract } from './state-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rollout-store-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

stateStoreContract('file', (plan) =>
  createFileStore({ dir, plan, now: () => new Date('2026-06-18T09:00:00Z'), lockWaitMs: 200 }),
);
