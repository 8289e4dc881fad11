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
import { checkpointOf, readCheckpoint } from './journal-checkpoint.js';
import { emptyDigest, foldEntry, type JournalDigest } from './journal-digest.js';
import {
  corruptJournal,
  cutJournal,
  endsMidLine,
  type JournalScan,
  type JournalStart,
  readJournal,
  scanJournal,
} from './journal-file.js';
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

/** What the store knows of its journal: the digest of every whole line, where they end, and a torn tail. */
interface Known {
  digest: JournalDigest;
  end: JournalStart;
  torn?: { line: number; text: string; offset: number } | undefined;
  /** the offset the checkpoint read covered (0: none) */
  checkpointed: number;
}

export function createFileStore(opts: FileStoreOptions): StateStore {
  const statePath = path.join(opts.dir, `${opts.plan}.state.json`);
  const journalPath = path.join(opts.dir, `${opts.plan}.journal.jsonl`);
  const lockPath = path.join(opts.dir, `${opts.plan}.lock`);
  const holderPath = path.join(opts.dir, `${opts.plan}.lock-holder.json`);
  const checkpointPath = path.join(opts.dir, `${opts.plan}.journal.checkpoint.json`);
  /** what the journal holds, kept up to date by append; read again once the lock is taken */
  let known: Known | undefined;
  let held: HeldLock | undefined;

  // state, journal and lock files are the user's own: 0600, never written through a link out of root
  const ensureDir = (file: string) => prepareWrite(file, opts.root ?? opts.dir, 0o700);
  const verify = () => held?.verify();

  /** The journal as known: from its checkpoint and the lines after it, or read whole when there is none that fits. */
  const readKnown = (): Known => {
    if (known) return known;
    // The state remembers the last seq it saw: a journal that ends before it lost entries. Read
    // before the journal: a writer appends before it saves a state with a higher seq.
    const seen = stateJournalSeq(statePath);
    let cp = readCheckpoint(checkpointPath, journalPath);
    let digest = cp?.digest ?? emptyDigest();
    let scan: JournalScan;
    try {
      scan = scanJournal(journalPath, (e) => foldEntry(digest, e), cp);
    } catch (e) {
      if (!cp) throw e;
      // the lines after the checkpoint do not follow it: the whole journal says what is wrong, and where
      cp = undefined;
      digest = emptyDigest();
      scan = scanJournal(journalPath, (x) => foldEntry(digest, x));
    }
    if (seen !== undefined && scan.lastSeq < seen) {
      throw new RolloutError(
        'corrupt',
        `the journal ${journalPath} was cut short: it ends at seq ${scan.lastSeq}, but the state was saved after seq ${seen}; entries were lost, nothing was done`,
        {
          hint: `restore the journal from a backup; to go on without the lost entries, remove "journalSeq" from ${statePath} by hand (the history they held is gone)`,
        },
      );
    }
    known = {
      digest,
      end: { offset: scan.end, lines: scan.lines, lastSeq: scan.lastSeq },
      torn: scan.torn,
      checkpointed: cp?.offset ?? 0,
    };
    return known;
  };

  const readSummary = (): JournalSummary & { tornAt?: number | undefined } => {
    const k = readKnown();
    const d = k.digest;
    return {
      file: journalPath,
      lastSeq: d.lastSeq,
      last: d.last ? { at: d.last.at, clock: d.last.clock, type: d.last.type, entry: d.last } : undefined,
      open: d.open,
      torn: k.torn ? { line: k.torn.line, text: k.torn.text } : undefined,
      tornAt: k.torn?.offset,
    };
  };

  /** Under the lock, when the journal grew past the checkpoint and ends where this store knows: a new checkpoint. */
  const writeCheckpoint = async (): Promise<void> => {
    const k = known;
    if (!k || k.torn || k.end.offset <= k.checkpointed) return;
    try {
      verify();
      if (statSync(journalPath).size !== k.end.offset) return; // lines this store did not read: not now
      const cp = checkpointOf(journalPath, k.end, k.digest);
      if (!cp) return;
      ensureDir(checkpointPath);
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(checkpointPath, `${JSON.stringify(cp)}\n`, { fsync: false, mode: 0o600 });
      k.checkpointed = k.end.offset;
    } catch {
      // a cache: without it the next command reads the journal whole
    }
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
      const k = readKnown();
      if (endsMidLine(journalPath))
        throw corruptJournal(
          journalPath,
          k.torn?.line ?? k.digest.lastSeq + 1,
          'it ends in a torn line, to be removed before anything is appended',
        );
      const full: JournalEntry = redactValue(stripControlsValue({ seq: k.digest.lastSeq + 1, ...entry }));
      const line = `${JSON.stringify(full)}\n`;
      const fd = openSync(
        journalPath,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
        0o600,
      );
      try {
        fchmodSync(fd, 0o600);
        writeSync(fd, line);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      foldEntry(k.digest, full);
      k.end = { offset: k.end.offset + Buffer.byteLength(line), lines: k.end.lines + 1, lastSeq: full.seq };
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
    async digest() {
      return readKnown().digest;
    },
    async repairTornTail() {
      ensureDir(journalPath); // never cut a file through a link that leaves the folder
      verify();
      const k = readKnown();
      if (!k.torn) return undefined;
      cutJournal(journalPath, k.torn.offset);
      const removed = { line: k.torn.line, text: k.torn.text };
      k.end = { offset: k.torn.offset, lines: k.torn.line - 1, lastSeq: k.digest.lastSeq };
      k.torn = undefined;
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
      known = undefined;
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(holderPath, `${JSON.stringify(redactValue(lock.holder))}\n`, { mode: 0o600 });
      return {
        async release() {
          try {
            if (held === lock) await writeCheckpoint();
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
