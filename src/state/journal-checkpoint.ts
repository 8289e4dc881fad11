/**
 * The journal's checkpoint: `<plan>.journal.checkpoint.json` beside the journal, the digest of its
 * first `offset` bytes (journal-digest.ts), so a command reads only the lines appended since. It is a
 * cache, never the truth: it names the journal's size, line count and last seq at that offset and
 * fingerprints the bytes before it (a hash of the first and of the last 4 KiB). Anything that does not
 * match (a journal cut, replaced, restored from a backup or edited near either end, a checkpoint of
 * another version, unreadable or not JSON) and the journal is read whole again, as before there was one.
 * It is written by runs that hold the rollout's lock, when they release it, atomically (a reader sees
 * the old one or the new one); a read-only command never writes it.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { JournalDigest } from './journal-digest.js';
import type { JournalStart } from './journal-file.js';

const WINDOW = 4096;

export interface JournalCheckpoint extends JournalStart {
  /** the checkpoint format's version */
  v: 1;
  /** sha-256 of the journal's first and last (up to) 4 KiB before `offset` */
  head: string;
  tail: string;
  digest: JournalDigest;
}

/** The hashes of the journal's first and last bytes before `offset`; undefined when the file is shorter. */
function fingerprint(journal: string, offset: number): { head: string; tail: string } | undefined {
  const fd = openSync(journal, 'r');
  try {
    if (fstatSync(fd).size < offset) return undefined;
    const part = (from: number, length: number) => {
      const buf = Buffer.alloc(length);
      const n = readSync(fd, buf, 0, length, from);
      return createHash('sha256').update(buf.subarray(0, n)).digest('base64');
    };
    const head = Math.min(WINDOW, offset);
    const tail = Math.min(WINDOW, offset);
    return { head: part(0, head), tail: part(offset - tail, tail) };
  } finally {
    closeSync(fd);
  }
}

/** The checkpoint when it still describes the journal's first bytes; undefined otherwise (read the journal whole). */
export function readCheckpoint(file: string, journal: string): JournalCheckpoint | undefined {
  try {
    const cp = JSON.parse(readFileSync(file, 'utf8')) as Partial<JournalCheckpoint> | null;
    if (cp?.v !== 1 || cp.digest?.v !== 1) return undefined;
    const { offset, lines, lastSeq } = cp;
    if (![offset, lines, lastSeq].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return undefined;
    if (cp.digest.lastSeq !== lastSeq || !Array.isArray(cp.digest.open)) return undefined;
    const print = fingerprint(journal, offset as number);
    if (!print || print.head !== cp.head || print.tail !== cp.tail) return undefined;
    return cp as JournalCheckpoint;
  } catch {
    return undefined; // no checkpoint, or one that cannot be read: the journal is read whole
  }
}

/** The checkpoint of the journal's first `offset` bytes, or undefined when the journal no longer has them. */
export function checkpointOf(journal: string, at: JournalStart, digest: JournalDigest): JournalCheckpoint | undefined {
  const print = fingerprint(journal, at.offset);
  return print && { v: 1, ...at, ...print, digest };
}
