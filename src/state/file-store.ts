/**
 * The file backend: `<dir>/<plan>.state.json` (atomic replace: temp file, fsync, rename, via
 * write-file-atomic), `<dir>/<plan>.journal.jsonl` (append + fsync, read as a checked stream, see
 * journal-file.ts) and `<dir>/<plan>.lock` (see file-lock.ts), mirrored for people in
 * `<dir>/<plan>.lock-holder.json`. While this store holds the lock, every write first checks that
 * the lock is still its own.
 */
import {
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { RolloutError } from '../errors.js';
import { redactValue } from '../redact.js';
import { stripControlsValue } from '../sanitize.js';
import { acquireLock, describeHolder, readHolder, staleReason, type HeldLock } from './file-lock.js';
import { corruptJournal, cutJournal, endsMidLine, readJournal, scanJournal } from './journal-file.js';
import { prepareWrite } from './safe-path.js';
import type { JournalEntry, JournalSummary, Lock, RolloutState, StateStore } from './types.js';

export interface FileStoreOptions {
  dir: string;
  /** the folder writes must stay in (no symbolic link may lead out of it); default `dir` */
  root?: string;
  plan: string;
  /** how long a second run waits for the lock before giving up (ms) */
  lockWaitMs?: number;
  now: () => Date;
  /** where the store says what it did on its own (a stale lock taken over) */
  warn?: (message: string) => void;
}

const CLOSES = new Set(['effect.done', 'effect.failed', 'effect.interrupted']);

export function createFileStore(opts: FileStoreOptions): StateStore {
  const statePath = path.join(opts.dir, `${opts.plan}.state.json`);
  const journalPath = path.join(opts.dir, `${opts.plan}.journal.jsonl`);
  const lockPath = path.join(opts.dir, `${opts.plan}.lock`);
  const holderPath = path.join(opts.dir, `${opts.plan}.lock-holder.json`);
  /** what the journal holds, kept up to date by append; read again once the lock is taken */
  let summary: (JournalSummary & { tornAt?: number | undefined }) | undefined;
  let held: HeldLock | undefined;

  // state, journal and lock files are the user's own: 0600, never written through a link out of root
  const ensureDir = (file: string) => prepareWrite(file, opts.root ?? opts.dir, 0o700);
  const verify = () => held?.verify();

  const readSummary = (): JournalSummary & { tornAt?: number | undefined } => {
    if (summary) return summary;
    // The state remembers the last seq it saw: a journal that ends before it lost entries. Read
    // before the journal: a writer appends before it saves a state with a higher seq.
    const seen = stateJournalSeq(statePath);
    const open = new Map<string, JournalEntry>();
    const scan = scanJournal(journalPath, (e) => {
      if (!e.effect) return;
      if (e.type === 'effect.start') open.set(e.effect, e);
      else if (CLOSES.has(e.type)) open.delete(e.effect);
    });
    if (seen !== undefined && scan.lastSeq < seen) {
      throw new RolloutError(
        'corrupt',
        `the journal ${journalPath} was cut short: it ends at seq ${scan.lastSeq}, but the state was saved after seq ${seen}; entries were lost, nothing was done`,
        {
          hint: `restore the journal from a backup; to go on without the lost entries, remove "journalSeq" from ${statePath} by hand (the history they held is gone)`,
        },
      );
    }
    summary = {
      file: journalPath,
      lastSeq: scan.lastSeq,
      last: scan.last
        ? { at: scan.last.at, clock: scan.last.clock, type: scan.last.type, entry: scan.last }
        : undefined,
      open: [...open.values()],
      torn: scan.torn ? { line: scan.torn.line, text: scan.torn.text } : undefined,
      tornAt: scan.torn?.offset,
    };
    return summary;
  };

  return {
    describe: () => statePath,
    async load() {
      if (!existsSync(statePath)) return undefined;
      readSummary(); // a journal cut short is refused before the state is used
      try {
        return JSON.parse(readFileSync(statePath, 'utf8')) as RolloutState;
      } catch (e) {
        throw new RolloutError('corrupt', `the state file ${statePath} is not valid JSON`, {
          hint: 'restore it from a backup, or repair it by hand (`rollout history PLAN` shows every step that led to it)',
          cause: e,
        });
      }
    },
    async save(state) {
      ensureDir(statePath);
      verify();
      const { default: writeFileAtomic } = await import('write-file-atomic');
      const stamped: RolloutState = { ...state, journalSeq: readSummary().lastSeq };
      await writeFileAtomic(statePath, `${JSON.stringify(redactValue(stripControlsValue(stamped)), null, 2)}\n`, {
        fsync: true,
        mode: 0o600,
      });
    },
    async append(entry) {
      ensureDir(journalPath);
      verify();
      const s = readSummary();
      if (endsMidLine(journalPath))
        throw corruptJournal(
          journalPath,
          s.torn?.line ?? s.lastSeq + 1,
          'it ends in a torn line, to be removed before anything is appended',
        );
      const full: JournalEntry = redactValue(stripControlsValue({ seq: s.lastSeq + 1, ...entry }));
      const fd = openSync(
        journalPath,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
        0o600,
      );
      try {
        fchmodSync(fd, 0o600);
        writeSync(fd, `${JSON.stringify(full)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      s.lastSeq = full.seq;
      s.last = { at: full.at, clock: full.clock, type: full.type, entry: full };
      if (full.effect && full.type === 'effect.start') s.open = [...s.open, full];
      else if (full.effect && CLOSES.has(full.type)) s.open = s.open.filter((e) => e.effect !== full.effect);
      return full;
    },
    async journal(keep) {
      const out: JournalEntry[] = [];
      scanJournal(journalPath, (e) => {
        if (!keep || keep(e)) out.push(e);
      });
      return out;
    },
    async *entries() {
      yield* readJournal(journalPath);
    },
    async summary() {
      const { tornAt: _offset, ...s } = readSummary();
      return s;
    },
    async repairTornTail() {
      ensureDir(journalPath); // never cut a file through a link that leaves the folder
      verify();
      const s = readSummary();
      if (!s.torn || s.tornAt === undefined) return undefined;
      cutJournal(journalPath, s.tornAt);
      const removed = s.torn;
      summary = { ...s, torn: undefined, tornAt: undefined };
      return removed;
    },
    async verifyLock() {
      verify();
    },
    async activeHolder() {
      if (held) return undefined;
      const h = readHolder(lockPath);
      if (!h) return undefined;
      try {
        return staleReason(h, statSync(lockPath).mtimeMs) ? undefined : describeHolder(h);
      } catch {
        return undefined;
      }
    },
    async lock(): Promise<Lock> {
      ensureDir(holderPath);
      const waitMs = opts.lockWaitMs ?? 8000;
      const lock = await acquireLock({
        file: lockPath,
        waitMs,
        since: opts.now().toISOString(),
        command: process.argv.slice(2).join(' '),
        onTakeOver: (why) => opts.warn?.(`took over the lock on "${opts.plan}": ${why}`),
      });
      held = lock;
      // what another run appended while we waited is read again under the lock
      summary = undefined;
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(holderPath, `${JSON.stringify(redactValue(lock.holder))}\n`, { mode: 0o600 });
      return {
        async release() {
          try {
            if (held === lock) held = undefined;
            try {
              lock.verify();
              rmSync(holderPath, { force: true });
            } catch {
              // the lock is someone else's now: so is the holder file
            }
          } finally {
            lock.release();
          }
        },
      };
    },
  };
}

/** The seq the state was saved at, when the state file says; a state that cannot be read says nothing here. */
function stateJournalSeq(statePath: string): number | undefined {
  try {
    const seq = (JSON.parse(readFileSync(statePath, 'utf8')) as { journalSeq?: unknown } | null)?.journalSeq;
    return typeof seq === 'number' ? seq : undefined;
  } catch {
    return undefined;
  }
}
