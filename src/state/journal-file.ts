/**
 * The journal file: one JSON entry per line, append-only. It is read as a stream of fixed-size
 * chunks, so a journal of any length costs the same memory, and every line is checked on the way:
 * an entry (by hand: this runs for every line of a journal of any length, and keeps zod off the
 * start-up path), with a seq that follows the one before. A damaged line is never skipped: it is an
 * error naming the file, the line and how to repair it. The one exception is a torn LAST line, which
 * is what a crash in the middle of an append leaves: it is reported (`torn`) and removed explicitly
 * by the next state-changing command (see the engine's session).
 */
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { RolloutError } from '../errors.js';
import type { JournalEntry } from './types.js';

const CHUNK_BYTES = 1 << 20;

export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** An ISO-8601 time that is also a real date (no month 13, no hour 99). */
export const isIsoTime = (v: unknown): v is string =>
  typeof v === 'string' && ISO_TIME.test(v) && Number.isFinite(Date.parse(v));
export const ISO_TIME_MESSAGE = 'must be an ISO-8601 time such as 2026-06-18T09:00:00.000Z';

/** A JSON object (not null, not a list). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
const shown = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));

/** What is wrong with a line's entry, field by field; empty when it is an entry. */
export function entryProblems(raw: unknown): string[] {
  if (!isObject(raw)) return [`${shown(raw)} is not a journal entry`];
  const problems: string[] = [];
  const e = raw;
  if (!Number.isSafeInteger(e['seq']) || (e['seq'] as number) <= 0)
    problems.push(`seq must be a whole number from 1 (it is ${shown(e['seq'])})`);
  if (!isIsoTime(e['at'])) problems.push(`at ${ISO_TIME_MESSAGE} (it is ${shown(e['at'])})`);
  if (e['clock'] !== 'system' && e['clock'] !== 'ROLLOUT_NOW')
    problems.push(`clock must be "system" or "ROLLOUT_NOW" (it is ${shown(e['clock'])})`);
  if (typeof e['type'] !== 'string' || e['type'] === '')
    problems.push(`type must be a non-empty text (it is ${shown(e['type'])})`);
  if (!optionalString(e['phase'])) problems.push(`phase must be a text (it is ${shown(e['phase'])})`);
  if (!optionalString(e['effect'])) problems.push(`effect must be a text (it is ${shown(e['effect'])})`);
  if (!isObject(e['data'])) problems.push(`data must be an object (it is ${shown(e['data'])})`);
  return problems;
}

/** A journal entry's shape (cheap enough for every line of any journal). */
export const looksLikeEntry = (raw: unknown): boolean => entryProblems(raw).length === 0;

export interface JournalScan {
  lastSeq: number;
  /** the byte offset just after the last line ended by a newline, and how many lines that is */
  end: number;
  lines: number;
  last?: JournalEntry | undefined;
  /** a torn last line, with the byte offset it starts at (to cut it off) */
  torn?: { line: number; text: string; offset: number } | undefined;
}

export function corruptJournal(file: string, line: number, problem: string): RolloutError {
  return new RolloutError('corrupt', `the journal ${file} is damaged at line ${line}: ${problem}; nothing was done`, {
    hint: `the journal is append-only: restore it from a backup, or repair line ${line} by hand (keep a copy of the file first); rollout never drops or renumbers entries itself`,
  });
}

/** Where a read starts: byte `offset` (a line's start), after `lines` lines whose last entry had seq `lastSeq`. */
export interface JournalStart {
  offset: number;
  lines: number;
  lastSeq: number;
}

/** Reads every entry in order, calling `visit` for each; memory stays at one chunk plus what `visit` keeps. */
export function scanJournal(file: string, visit?: (e: JournalEntry) => void, start?: JournalStart): JournalScan {
  const it = readJournal(file, start);
  for (let r = it.next(); ; r = it.next()) {
    if (r.done) return r.value;
    visit?.(r.value);
  }
}

/**
 * The entries, one at a time, checked as they are read; returns what `scanJournal` returns. A
 * consumer may pause between entries (to write them out), the file stays open until it is done.
 */
export function* readJournal(file: string, start?: JournalStart): Generator<JournalEntry, JournalScan, undefined> {
  const out: JournalScan = { lastSeq: start?.lastSeq ?? 0, end: start?.offset ?? 0, lines: start?.lines ?? 0 };
  if (!existsSync(file)) return out;
  let lineNo = start?.lines ?? 0;
  let bad: { line: number; text: string; offset: number } | undefined;

  /** The entry on one line; undefined for a blank line or a line that may be the torn last one. */
  const handle = (bytes: Buffer, offset: number): JournalEntry | undefined => {
    lineNo++;
    const text = bytes.toString('utf8');
    if (text.trim() === '') return undefined;
    if (bad) throw corruptJournal(file, bad.line, 'the line is not JSON (torn or edited)');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // Only a LAST line may be torn; the next non-blank line decides.
      bad = { line: lineNo, text, offset };
      return undefined;
    }
    const problems = entryProblems(raw);
    if (problems.length > 0) {
      throw corruptJournal(file, lineNo, isObject(raw) ? `not a journal entry (${problems.join('; ')})` : problems[0]!);
    }
    const e = raw as JournalEntry;
    if (out.lastSeq > 0 && e.seq !== out.lastSeq + 1) {
      throw corruptJournal(
        file,
        lineNo,
        e.seq <= out.lastSeq
          ? `seq ${e.seq} does not follow seq ${out.lastSeq} (it goes backwards or repeats)`
          : `seq jumps from ${out.lastSeq} to ${e.seq} (entries are missing)`,
      );
    }
    out.lastSeq = e.seq;
    out.last = e;
    return e;
  };

  const fd = openSync(file, 'r');
  try {
    // buf[0, have) is the start of a line not yet ended; it starts at byte `at` of the file
    let buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let have = 0;
    let at = start?.offset ?? 0;
    for (;;) {
      if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a line longer than a chunk
      const n = readSync(fd, buf, have, buf.length - have, at + have);
      if (n === 0) break;
      const data = buf.subarray(0, have + n);
      let from = 0;
      for (let nl = data.indexOf(10, have); nl >= 0; nl = data.indexOf(10, from)) {
        const e = handle(data.subarray(from, nl), at + from);
        from = nl + 1;
        if (e) yield e;
      }
      data.copyWithin(0, from);
      have = data.length - from;
      at += from;
      out.end = at;
      out.lines = lineNo;
    }
    if (have > 0) {
      const e = handle(buf.subarray(0, have), at);
      if (e) yield e;
    }
  } finally {
    closeSync(fd);
  }
  if (bad) out.torn = bad;
  return out;
}

/** Cuts the journal just before a torn last line. */
export function cutJournal(file: string, offset: number): void {
  const fd = openSync(file, constants.O_RDWR | constants.O_NOFOLLOW);
  try {
    if (fstatSync(fd).size > offset) ftruncateSync(fd, offset);
  } finally {
    closeSync(fd);
  }
}

/** True when the file ends mid-line (an append would glue onto a torn line). */
export function endsMidLine(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}
