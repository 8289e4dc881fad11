/**
 * One pass over a metrics file: its bytes arrive in chunks and each CSV line is parsed as soon as it
 * is complete, so neither the file's text nor a list of its lines is ever held whole (a JSON file is,
 * as JSON.parse needs it). The answers are those of reading the file at once: a NUL byte anywhere
 * makes it binary, whatever else is wrong with it; otherwise the first malformed row is reported by
 * its line; a file that starts with `[` (or is named `.json`) holds JSON rows.
 */
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { BINARY, FileTextError } from '../../file-text.js';
import { CsvRows } from './csv.js';
import { type MetricTable, parseJson, RowError } from './rows.js';

const CHUNK_BYTES = 1 << 20;

/** The bytes of the first `size` bytes of a file, in chunks (a test may count or replace it). */
export type OpenChunks = (file: string, size: number) => AsyncIterable<Buffer>;

/**
 * At most the size stat saw (a file being appended to is read as it was, as a single read would), in
 * 1 MiB reads. Synchronous reads, not a read stream: a command has nothing else to do meanwhile, and
 * the stream machinery (and an event-loop turn per chunk) cost a start-up more than the reads.
 */
export const openChunks: OpenChunks = async function* (file, size) {
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < size; ) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - at));
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n === 0) break; // the file shrank since stat: what is there is what it holds
      at += n;
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
};

export async function readMetricsFile(args: { file: string; size: number; open: OpenChunks }): Promise<MetricTable> {
  const { file } = args;
  const decoder = new StringDecoder('utf8');
  let mode: 'undecided' | 'csv' | 'json' = file.endsWith('.json') ? 'json' : 'undecided';
  let head = '';
  const json: string[] = [];
  const csv = new CsvRows(file);
  let failed: RowError | undefined;
  let utf8 = false;

  const take = (text: string): void => {
    if (mode === 'undecided') {
      head += text;
      const start = head.trimStart();
      if (start === '') return;
      mode = start.startsWith('[') ? 'json' : 'csv';
      text = head;
      head = '';
    }
    if (mode === 'json') json.push(text);
    else csv.push(text);
  };

  if (args.size > 0) {
    try {
      for await (const chunk of args.open(file, args.size)) {
        if (chunk.includes(0)) throw new FileTextError(BINARY);
        // after a malformed row, the rest is only looked through for a NUL byte
        if (failed) continue;
        // ASCII so far (the usual file) is its own UTF-8 decoding, copied at once; from the first other
        // byte on, the decoder joins the characters that chunks cut in two
        if (!utf8 && !isAscii(chunk)) utf8 = true;
        try {
          take(utf8 ? decoder.write(chunk) : chunk.toString('latin1'));
        } catch (e) {
          if (!(e instanceof RowError)) throw e;
          failed = e;
        }
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (e instanceof FileTextError || typeof code !== 'string') throw e;
      throw new FileTextError(`cannot be read (${code})`);
    }
  }
  if (failed) throw failed;
  take(decoder.end());
  if (mode === 'json') return parseJson(json.join(''), file);
  if (mode === 'undecided') csv.push(head);
  return csv.end();
}
