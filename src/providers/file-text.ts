/**
 * Reading a file the plan or the command line names (metrics, incidents, flags, checklist answers)
 * without ever echoing it: a path may point at anything (`--answers /etc/shadow`), so a file that is
 * not what it claims is reported by what it is and where the problem is, never by its content. Devices,
 * FIFOs and folders are refused before reading (reading `/dev/zero` would never end).
 */
import { readFileSync, type Stats, statSync } from 'node:fs';

/** A NUL byte: no text file holds one. */
export const BINARY = 'is binary, not text';

export class FileTextError extends Error {
  override name = 'FileTextError';
}

/** The stats of a regular file of at most `maxBytes`, before reading it; a FileTextError says why it cannot be read. */
export function statTextFile(file: string, maxBytes: number): Stats {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileTextError(code === 'ENOENT' ? 'does not exist (ENOENT)' : `cannot be read (${code ?? 'error'})`);
  }
  if (st.isDirectory()) throw new FileTextError('is a folder, not a file (EISDIR)');
  if (!st.isFile()) throw new FileTextError('is not a regular file (a device, pipe or socket)');
  if (st.size > maxBytes) throw new FileTextError(`is ${st.size} bytes, more than the ${maxBytes} bytes allowed`);
  return st;
}

/** The text of a regular file of at most `maxBytes`; a FileTextError says why not. */
export function readTextFile(file: string, maxBytes: number): string {
  statTextFile(file, maxBytes);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new FileTextError(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (buf.includes(0)) throw new FileTextError(BINARY);
  return buf.toString('utf8');
}

/** Where JSON.parse gave up, as `line L, column C`, without the excerpt its message carries. */
export function jsonErrorAt(e: unknown, text: string): string {
  const message = (e as Error)?.message ?? '';
  const pos = /position (\d+)/.exec(message)?.[1];
  if (pos !== undefined) {
    const before = text.slice(0, Number(pos));
    const line = before.split('\n').length;
    return `at line ${line}, column ${Number(pos) - before.lastIndexOf('\n')}`;
  }
  return /end of (JSON|data) input/i.test(message) ? 'it ends too early' : 'at the start';
}
