/**
 * The one child-process runner (checklist and rollback `run:` commands, command metrics): values
 * reach the script only as environment variables, and a timeout stops the whole process group
 * (SIGTERM, then SIGKILL for a group that ignores it) without waiting for pipes an escaped
 * grandchild holds.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runChild } from '../../src/edges/child-process.js';
import { alive, waitGone as gone } from '../helpers/processes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rollout-child-'));
const strays: number[] = [];
afterAll(() => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const pidIn = (f: string) => Number(readFileSync(path.join(dir, f), 'utf8').trim());

describe('runChild', () => {
  test('reports the exit code, stdout, stderr and both interleaved', async () => {
    const r = await runChild({ script: 'echo out; echo err >&2; exit 3', cwd: dir, timeoutMs: 10_000 });
    expect(r).toMatchObject({ kind: 'exited', code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(r.output).toMatch(/out\n[\s\S]*err\n|err\n[\s\S]*out\n/);
  });

  test('a value in the environment stays data: shell syntax in it is never run', async () => {
    const value = '$(touch pwned) `touch pwned2`; touch pwned3 && echo "x"';
    const r = await runChild({
      script: 'printf %s "$VALUE"; ls',
      cwd: dir,
      env: { PATH: process.env['PATH'], VALUE: value },
      timeoutMs: 10_000,
    });
    expect(r.kind).toBe('exited');
    expect(r.stdout.startsWith(value)).toBe(true);
    expect(r.stdout.slice(value.length)).not.toMatch(/pwned/);
  });

  test('at the timeout the whole group is stopped, one that ignores SIGTERM too, and an escaped grandchild holding stdout does not keep it waiting', async () => {
    const script = [
      `sh -c 'trap "" TERM; echo $$ > stubborn.pid; while :; do sleep 1; done' &`,
      `setsid sh -c 'echo $$ > escaped.pid; exec sleep 600' &`,
      'echo started; wait',
    ].join('\n');
    const r = await runChild({ script, cwd: dir, timeoutMs: 1500 });
    expect(r.kind).toBe('timeout');
    expect(r.stdout).toContain('started');
    const escaped = pidIn('escaped.pid');
    strays.push(escaped);
    expect(alive(escaped)).toBe(true); // it left the group: the run did not wait for it
    expect(await gone(pidIn('stubborn.pid'))).toBe(true); // SIGKILL after the grace
  });

  test('stdout beyond its bound stops the run', async () => {
    const r = await runChild({ script: 'yes', cwd: dir, timeoutMs: 10_000, maxStdoutBytes: 64 * 1024 });
    expect(r.kind).toBe('too-much-output');
    expect(r.stdout.length).toBeLessThanOrEqual(64 * 1024);
  });

  test('a child that cannot start is a spawn error, not an exit', async () => {
    const r = await runChild({ script: 'true', cwd: path.join(dir, 'no-such-folder'), timeoutMs: 10_000 });
    expect(r).toMatchObject({ kind: 'spawn-error', code: 'ENOENT' });
  });
});
