/**
 * The file backend: `<dir>/<plan>.state.json` (atomic replace: temp file, fsync, rename, via
 * write-file-atomic), `<dir>/<plan>.journal.jsonl` (append + fsync) and a lock (proper-lockfile,
 * whose mtime heartbeat lets a lock left by a dead process be taken over safely).
 */
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, writeSync, existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { RolloutError } from '../errors.js';
import { redactValue } from '../redact.js';
import { stripControlsValue } from '../sanitize.js';
import { prepareWrite } from './safe-path.js';
import type { JournalEntry, Lock, RolloutState, StateStore } from './types.js';

export interface FileStoreOptions {
  dir: string;
  /** the folder writes must stay in (no symbolic link may lead out of it); default `dir` */
  root?: string;
  plan: string;
  /** how long a second run waits for the lock before giving up (ms) */
  lockWaitMs?: number;
  now: () => Date;
}

/** A lock not refreshed for this long belongs to a dead process and may be taken over. */
const STALE_MS = 5000;

export function createFileStore(opts: FileStoreOptions): StateStore {
  const statePath = path.join(opts.dir, `${opts.plan}.state.json`);
  const journalPath = path.join(opts.dir, `${opts.plan}.journal.jsonl`);
  const lockPath = path.join(opts.dir, `${opts.plan}.lock`);
  const holderPath = path.join(opts.dir, `${opts.plan}.lock-holder.json`);
  let seq: number | undefined;

  // state, journal and lock files are the user's own: 0600, never written through a link out of root
  const ensureDir = (file: string) => prepareWrite(file, opts.root ?? opts.dir, 0o700);

  const readJournal = (): JournalEntry[] => {
    if (!existsSync(journalPath)) return [];
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    const out: JournalEntry[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A torn last line from a crash mid-append; everything before it is intact.
      }
    }
    return out;
  };

  return {
    describe: () => statePath,
    async load() {
      if (!existsSync(statePath)) return undefined;
      const text = readFileSync(statePath, 'utf8');
      try {
        return JSON.parse(text) as RolloutState;
      } catch (e) {
        throw new RolloutError('internal', `the state file ${statePath} is not valid JSON`, {
          hint: 'restore it from a backup, or rebuild it from the journal',
          cause: e,
        });
      }
    },
    async save(state) {
      ensureDir(statePath);
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(statePath, JSON.stringify(redactValue(stripControlsValue(state)), null, 2) + '\n', { fsync: true, mode: 0o600 });
    },
    async append(entry) {
      ensureDir(journalPath);
      if (seq === undefined) seq = readJournal().reduce((m, e) => Math.max(m, e.seq), 0);
      const full: JournalEntry = redactValue(stripControlsValue({ seq: ++seq, ...entry }));
      const fd = openSync(journalPath, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
      try {
        fchmodSync(fd, 0o600);
        // After a crash mid-append the file ends in a torn line: start a line of our own, or this
        // entry would be glued to the torn one and lost with it.
        const { size } = fstatSync(fd);
        const last = Buffer.alloc(1);
        const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
        writeSync(fd, (torn ? '\n' : '') + JSON.stringify(full) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return full;
    },
    async journal() {
      return readJournal();
    },
    async lock(): Promise<Lock> {
      ensureDir(holderPath);
      // Longer than STALE_MS, so a run started just after a crash still takes the dead run's lock over.
      const wait = opts.lockWaitMs ?? 8000;
      let release: () => Promise<void>;
      // Loaded here: read-only commands (status, check) never pay for them.
      const [{ default: lockfile }, { default: writeFileAtomic }] = await Promise.all([import('proper-lockfile'), import('write-file-atomic')]);
      try {
        release = await lockfile.lock(opts.dir, {
          lockfilePath: lockPath,
          stale: STALE_MS,
          update: 1000,
          realpath: false,
          retries: { retries: Math.max(1, Math.ceil(wait / 250)), factor: 1, minTimeout: 200, maxTimeout: 300, randomize: true },
          onCompromised: (err) => {
            process.emitWarning(`rollout: the lock on ${opts.plan} was compromised: ${err.message}`);
          },
        });
      } catch (e) {
        if ((e as { code?: string }).code === 'ELOCKED') {
          throw new RolloutError('locked', `another run holds the lock on "${opts.plan}": ${describeHolder(holderPath)}`, {
            hint: 'wait for it to finish and run again; a lock left by a crashed run is taken over after a few seconds',
          });
        }
        throw e;
      }
      const holder = { pid: process.pid, host: hostname(), since: opts.now().toISOString(), command: process.argv.slice(2).join(' ') };
      await writeFileAtomic(holderPath, JSON.stringify(redactValue(holder)) + '\n', { mode: 0o600 });
      return {
        async release() {
          try {
            rmSync(holderPath, { force: true });
          } finally {
            await release();
          }
        },
      };
    },
  };
}

function describeHolder(holderPath: string): string {
  try {
    const h = JSON.parse(readFileSync(holderPath, 'utf8')) as { pid: number; host: string; since: string; command?: string };
    return `pid ${h.pid} on ${h.host} since ${h.since}${h.command ? ` (rollout ${h.command})` : ''}`;
  } catch {
    return 'holder unknown (it is starting or finishing)';
  }
}
