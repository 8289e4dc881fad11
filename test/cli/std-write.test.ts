/**
 * Standard output and error without Node's streams (src/cli/std-write.ts): every byte arrives, in
 * order, through a descriptor that would block; a reader that went away ends the run quietly with its
 * exit code; a closed descriptor drops the text; and `status` neither loads the tty module nor makes
 * the streams when its output is a pipe and its input /dev/null (a CI job).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeFd } from '../../src/cli/std-write.js';
import { baseEnv, BIN, PLAN, removeSandboxes, Sandbox, T, tempDir } from '../helpers/cli.js';

afterAll(removeSandboxes);

/** A named pipe opened at both ends without blocking: [reader, writer]. */
function fifo(): [number, number] {
  const file = path.join(tempDir('rollout-fifo-'), 'pipe');
  execFileSync('mkfifo', [file]);
  const reader = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(file, constants.O_WRONLY | constants.O_NONBLOCK);
  return [reader, writer];
}

function drain(fd: number): Buffer {
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n = 0;
    try {
      n = readSync(fd, buf);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw e;
    }
    if (n === 0) break;
    parts.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(parts);
}

describe('writeFd', () => {
  it('a descriptor that would block: what was written and what is handed back are the text, in order', () => {
    const [reader, writer] = fifo();
    try {
      // far more than a pipe holds, with characters of 2, 3 and 4 bytes that a cut may fall inside
      const text = Array.from({ length: 40_000 }, (_, i) => `${i}é€😀\n`).join('');
      const rest = writeFd(writer, text);
      expect(Buffer.isBuffer(rest)).toBe(true);
      const written = drain(reader);
      expect(written.length).toBeGreaterThan(0);
      expect(Buffer.concat([written, rest as Buffer]).toString('utf8')).toBe(text);
    } finally {
      closeSync(reader);
      closeSync(writer);
    }
  });

  it('a reader that went away is EPIPE, not an exception; a closed descriptor drops the text', () => {
    const [reader, writer] = fifo();
    closeSync(reader);
    try {
      expect(writeFd(writer, 'lost\n')).toBe('EPIPE');
    } finally {
      closeSync(writer);
    }
    expect(writeFd(1_000_000, 'nowhere\n')).toBeUndefined();
    // nothing to write is nothing written, whatever the descriptor
    expect(writeFd(1_000_000, '')).toBeUndefined();
  });
});

describe('the binary', () => {
  it('a reader that closes before anything is written: exit code of the run, nothing on stderr', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    for (const args of [['status', PLAN], ['show', PLAN], ['schema']]) {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: sb.dir,
        env: baseEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // closed at once: the child has not started running JavaScript yet
      child.stdout.destroy();
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });

  it('status with stdout a pipe and stdin /dev/null: no tty or net module, no process.stdout stream', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    // a preload that reports, at exit, what the run loaded and made (the bundle as users run it)
    const probe = path.join(tempDir('rollout-probe-'), 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => { const b = process.moduleLoadList.filter((m) => /^NativeModule (tty|net)$/.test(m)); ` +
        `require('node:fs').writeSync(2, JSON.stringify({ loaded: b }) + '\\n'); });`,
    );
    const child = spawn(process.execPath, ['--require', probe, BIN, 'status', PLAN], {
      cwd: sb.dir,
      env: baseEnv(),
      stdio: [openSync('/dev/null', 'r'), 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    expect(stdout).toContain('recommendations-v2');
    expect(JSON.parse(stderr.trim().split('\n').at(-1)!)).toEqual({ loaded: [] });
  });
});
