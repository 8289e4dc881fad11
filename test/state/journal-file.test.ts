/**
 * The journal reader over its chunk edges: lines that straddle the 1 MB reads, a line longer than a
 * read, a torn last line found and cut at the right byte, and the store's seq carrying on.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cutJournal, readJournal, scanJournal } from '../../src/state/journal-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'journal-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (seq: number, data: Record<string, unknown> = {}) =>
  `${JSON.stringify({ seq, at: '2026-06-18T09:00:00.000Z', clock: 'system', type: 'test', phase: 'p', data })}\n`;

describe('scanJournal', () => {
  test('reads every entry across chunk edges, including one longer than a chunk (multi-byte text included)', () => {
    const file = path.join(dir, 'edges.jsonl');
    let text = '';
    for (let seq = 1; seq <= 3000; seq++) text += line(seq, { pad: 'é→'.repeat(seq % 700) });
    text += line(3001, { huge: 'x'.repeat(3 * 1024 * 1024) });
    for (let seq = 3002; seq <= 3100; seq++) text += line(seq, { pad: 'ü'.repeat(seq % 300) });
    writeFileSync(file, text);
    const seen: number[] = [];
    const r = scanJournal(file, (e) => seen.push(e.seq));
    expect(seen).toEqual(Array.from({ length: 3100 }, (_, i) => i + 1));
    expect(r.lastSeq).toBe(3100);
    expect(r.torn).toBeUndefined();
    expect(r.last?.seq).toBe(3100);
  });

  test('a torn last line is reported with the byte it starts at, and cutting there leaves whole lines', () => {
    const file = path.join(dir, 'torn.jsonl');
    const whole = line(1, { t: 'ünïcödé' }) + line(2);
    writeFileSync(file, `${whole}{"seq":3,"at":"2026-06-1`);
    const r = scanJournal(file);
    expect(r.torn).toEqual({ line: 3, text: '{"seq":3,"at":"2026-06-1', offset: Buffer.byteLength(whole) });
    cutJournal(file, r.torn!.offset);
    expect(readFileSync(file, 'utf8')).toBe(whole);
    const again = scanJournal(file);
    expect(again.lastSeq).toBe(2);
    expect(again.torn).toBeUndefined();
  });

  test('blank lines are no entries; a torn line followed by another is corruption at its line', () => {
    const file = path.join(dir, 'middle.jsonl');
    writeFileSync(file, `${line(1)}\n${line(2)}{"seq":3,"at"\n`);
    expect(scanJournal(file).lastSeq).toBe(2);
    appendFileSync(file, line(3));
    expect(() => scanJournal(file)).toThrow(/line 4: the line is not JSON/);
  });

  test('readJournal can be paused between entries and stopped early', () => {
    const file = path.join(dir, 'pause.jsonl');
    writeFileSync(file, line(1) + line(2) + line(3));
    const it = readJournal(file);
    expect(it.next().value).toMatchObject({ seq: 1 });
    expect(it.next().value).toMatchObject({ seq: 2 });
    expect(it.return(undefined as never).done).toBe(true);
  });
});
