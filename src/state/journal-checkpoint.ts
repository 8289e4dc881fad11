/**
 * The journal's checkpoint: `<plan>.journal.checkpoint.json` beside the journal, the digest of its
 * first `offset` bytes (journal-digest.ts), so a command reads only the lines appended since. It is a
 * cache, never the truth: it names the journal's size, line count and last seq at that offset and
 * fingerprints the bytes before it. Anything that does not
 * match (a journal cut, replaced, restored from a backup or edited, a checkpoint of
 * another version, unreadable or not JSON) and the journal is read whole again, as before there was one.
 * Up to 1 MiB every byte is hashed, so any edit is seen; past that the first and last 256 KiB and 64
 * blocks spread between them (about 770 KiB read whatever the length), so an edit in the middle of a
 * long journal may go unseen here: `rollout history` and the closing documents still read every line.
 * It is written by runs that hold the rollout's lock, when they release it, atomically (a reader sees
 * the old one or the new one); a read-only command never writes it.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { JournalDigest } from './journal-digest.js';
import { type JournalStart, looksLikeEntry } from './journal-file.js';

/** Up to this size the checkpoint hashes every byte it covers; past it, the ends and evenly spaced blocks. */
const WHOLE = 1 << 20;
const END = 256 * 1024;
const BLOCK = 4096;
const BLOCKS = 64;

export interface JournalCheckpoint extends JournalStart {
  /** the checkpoint format's version */
  v: 1;
  /** sha-256 of the journal's bytes before `offset` (all of them up to 1 MiB; past that, see `ranges`) */
  print: string;
  digest: JournalDigest;
}

/** The byte ranges the fingerprint of the first `offset` bytes covers: a function of `offset` only. */
function ranges(offset: number): [number, number][] {
  if (offset <= WHOLE) return [[0, offset]];
  const out: [number, number][] = [[0, END]];
  const span = offset - 2 * END - BLOCK;
  for (let i = 0; i < BLOCKS; i++) {
    const at = END + Math.floor((span * i) / (BLOCKS - 1));
    out.push([at, at + BLOCK]);
  }
  out.push([offset - END, offset]);
  return out;
}

/** The hash of the journal's first `offset` bytes (see `ranges`); undefined when the file is shorter. */
function fingerprint(journal: string, offset: number): string | undefined {
  const fd = openSync(journal, 'r');
  try {
    if (fstatSync(fd).size < offset) return undefined;
    const hash = createHash('sha256').update(String(offset));
    const buf = Buffer.allocUnsafe(Math.min(offset, WHOLE) || 1);
    for (const [from, to] of ranges(offset)) {
      const n = readSync(fd, buf, 0, to - from, from);
      if (n !== to - from) return undefined;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('base64');
  } finally {
    closeSync(fd);
  }
}

/** The checkpoint when it still describes the journal's first bytes; undefined otherwise (read the journal whole). */
export function readCheckpoint(file: string, journal: string): JournalCheckpoint | undefined {
  try {
    const cp = JSON.parse(readFileSync(file, 'utf8')) as Partial<JournalCheckpoint> | null;
    if (cp?.v !== 1) return undefined;
    const { offset, lines, lastSeq } = cp;
    if (![offset, lines, lastSeq].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) return undefined;
    if (!isDigest(cp.digest, lastSeq as number)) return undefined;
    const print = fingerprint(journal, offset as number);
    if (!print || print !== cp.print) return undefined;
    return cp as JournalCheckpoint;
  } catch {
    return undefined; // no checkpoint, or one that cannot be read: the journal is read whole
  }
}

/** The checkpoint of the journal's first `offset` bytes, or undefined when the journal no longer has them. */
export function checkpointOf(journal: string, at: JournalStart, digest: JournalDigest): JournalCheckpoint | undefined {
  const print = fingerprint(journal, at.offset);
  return print === undefined ? undefined : { v: 1, ...at, print, digest };
}

const isCount = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
const isRecord = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);
const isTexts = (a: unknown): boolean => Array.isArray(a) && a.every((x) => typeof x === 'string');
const optional = (x: unknown, ok: (x: unknown) => boolean) => x === undefined || ok(x);

function isPhase(p: unknown): boolean {
  if (!isRecord(p)) return false;
  return (
    isRecord(p['last']) &&
    Object.values(p['last']).every(looksLikeEntry) &&
    optional(p['lastRollout'], looksLikeEntry) &&
    Array.isArray(p['timeline']) &&
    p['timeline'].every(
      (r) => isRecord(r) && looksLikeEntry(r['entry']) && isCount(r['count']) && typeof r['lastAt'] === 'string',
    ) &&
    Array.isArray(p['components']) &&
    p['components'].every(looksLikeEntry) &&
    optional(p['expect'], isCount) &&
    Array.isArray(p['issues']) &&
    p['issues'].every(
      (r) =>
        isRecord(r) &&
        typeof r['at'] === 'string' &&
        typeof r['lastAt'] === 'string' &&
        isCount(r['count']) &&
        ['incident', 'held', 'failed'].includes(r['kind'] as string) &&
        isTexts(r['text']) &&
        typeof r['actor'] === 'string',
    ) &&
    isTexts(p['reasons'])
  );
}

/**
 * True for a digest of this version saved at `seq`, whole and well formed. A saved digest is the
 * journal's stand-in (its open effects drive the recovery of a crashed run): one that is not exactly
 * what `foldEntry` builds is not used, and the journal is read again.
 */
export function isDigest(d: unknown, seq: number): d is JournalDigest {
  if (!isRecord(d)) return false;
  return (
    d['v'] === 1 &&
    d['lastSeq'] === seq &&
    optional(d['last'], looksLikeEntry) &&
    (seq === 0) === (d['last'] === undefined) &&
    Array.isArray(d['open']) &&
    d['open'].every(looksLikeEntry) &&
    typeof d['simulated'] === 'boolean' &&
    isRecord(d['counts']) &&
    Object.values(d['counts']).every(isCount) &&
    isRecord(d['phases']) &&
    Object.values(d['phases']).every(isPhase)
  );
}
