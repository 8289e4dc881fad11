/**
 * Standard output and error, written with fs.writeSync: what Node's own process.stdout and
 * process.stderr do on Linux for files, terminals and pipes (they write synchronously), without
 * making those streams. For a pipe, the stream is a net.Socket, with the net and tty modules under it:
 * ~2 ms of every start of a command that prints a few lines (`status` in a CI job, whose output is a
 * pipe).
 *
 * - EPIPE (the reader went away: `rollout history PLAN | head`): the process ends with the exit code
 *   it has so far, as it did when the streams reported it (main.ts);
 * - EAGAIN (a descriptor another program left non-blocking, and full): the rest of that text, and
 *   everything after it on that descriptor, goes through Node's stream, which waits for it to drain;
 * - EBADF (no descriptor 1 or 2: closed by whoever started the tool): the text is dropped, as Node's
 *   streams drop it.
 *
 * Whoever needs the stream itself (a spinner, a prompt, the size of the terminal) gets it from
 * stdStream(), with the same EPIPE rule.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

type Fd = 1 | 2;

/** A reader that went away (EPIPE): the run ends with the exit code it has so far. */
const readerGone = (): never => process.exit(process.exitCode ?? 0);

/** Descriptors that went through the stream once (EAGAIN): from then on, everything does, in order. */
const viaStream = new Set<Fd>();
const guarded = new WeakSet<NodeJS.WriteStream>();

/** process.stdout (1) or process.stderr (2), made on first use, ending the process quietly on EPIPE. */
export function stdStream(fd: Fd): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') readerGone();
      throw e;
    });
  }
  return stream;
}

/** Writes all of `text` to standard output (1) or error (2) before returning (see above for errors). */
export function writeStd(fd: Fd, text: string): void {
  if (viaStream.has(fd)) {
    if (text !== '') stdStream(fd).write(text);
    return;
  }
  const rest = writeFd(fd, text);
  if (rest === 'EPIPE') readerGone();
  if (rest !== undefined) {
    viaStream.add(fd);
    stdStream(fd).write(rest);
  }
}

/**
 * writeStd, then, when the text went to Node's stream (EAGAIN) and the stream holds more than it
 * should, waits for it to drain: for output written a piece at a time (io.write), so that a reader
 * slower than the tool does not make it hold the whole output in memory.
 */
export async function writeStdPaced(fd: Fd, text: string): Promise<void> {
  writeStd(fd, text);
  if (!viaStream.has(fd)) return;
  const stream = stdStream(fd);
  if (stream.writableNeedDrain) await new Promise<void>((done) => stream.once('drain', () => done()));
}

/**
 * Writes `text` to a descriptor with fs.writeSync; returns undefined when all of it was written (or
 * the descriptor is closed: EBADF), 'EPIPE' when the reader went away, and the bytes not written when
 * the descriptor would block (EAGAIN). Any other error is thrown.
 */
export function writeFd(fd: number, text: string): Buffer | 'EPIPE' | undefined {
  let rest = Buffer.from(text, 'utf8');
  try {
    while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return 'EPIPE';
    if (code === 'EBADF') return undefined;
    if (code === 'EAGAIN') return rest;
    throw e;
  }
}

/**
 * Whether a descriptor is a terminal, as tty.isatty says; the tty module (and net, which it loads) is
 * loaded only for a character device, the only kind of file a terminal is, other than /dev/null (a CI
 * job's usual stdin).
 */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  const known = terminals.get(fd);
  if (known !== undefined) return known;
  const asked = askTerminal(fd);
  terminals.set(fd, asked);
  return asked;
}
/** what isTerminal found, per descriptor: a run's descriptors do not change what they are */
const terminals = new Map<number, boolean>();

function askTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice() || st.rdev === nullDevice()) return false;
  } catch {
    return false;
  }
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}

let devNull: number | undefined;
function nullDevice(): number {
  try {
    devNull ??= statSync('/dev/null').rdev;
  } catch {
    devNull = -1;
  }
  return devNull;
}

/** The width of the terminal standard output is, or undefined when it is not one. */
export function terminalColumns(): number | undefined {
  return isTerminal(1) ? stdStream(1).columns : undefined;
}
