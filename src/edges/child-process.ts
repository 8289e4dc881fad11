/**
 * The one way rollout runs a child process: checklist `run:` items, rollback `run:` steps and the
 * `command` metrics provider all come through here, with one timeout and kill policy.
 *
 *   - The script runs as `/bin/sh -c SCRIPT`, asynchronously (the lock's heartbeat keeps beating).
 *     Values never become shell text: callers pass them as environment variables, which the script
 *     refers to (src/engine/shell-text.ts builds such scripts).
 *   - The child leads its own process group. At the deadline (or when stdout outgrows its bound) the
 *     group is sent SIGTERM, then SIGKILL KILL_GRACE_MS later; the timer is not unref'd, so a group
 *     that ignores SIGTERM is killed even when rollout is about to exit.
 *   - The run ends AT ONCE at the deadline: a grandchild that left the group (setsid, a daemon) and
 *     still holds the output pipes open does not keep rollout waiting.
 *
 * Hand-written rather than execa: execa is not a dependency (only a transitive one of Jest, v5), and
 * neither it nor Node's own `timeout` option kills a whole process group or stops waiting for pipes
 * that an escaped grandchild holds open.
 */
import { spawn } from 'node:child_process';

/** Between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 1000;
/** How much of stderr, and of the interleaved output, is kept (the tail). */
const TAIL_BYTES = 64 * 1024;

export interface ChildRun {
  /** shell text for /bin/sh -c */
  script: string;
  cwd: string;
  /** the whole environment of the child; the parent's when omitted */
  env?: NodeJS.ProcessEnv | undefined;
  timeoutMs: number;
  /** stdout beyond this stops the run (`too-much-output`); without it only the tail is kept */
  maxStdoutBytes?: number | undefined;
}

interface Captured {
  /** all of stdout (up to maxStdoutBytes), or its tail */
  stdout: string;
  /** the tail of stderr */
  stderr: string;
  /** the tail of stdout and stderr as they came, interleaved */
  output: string;
  durationMs: number;
}

export type ChildOutcome = Captured &
  (
    | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
    | { kind: 'timeout' }
    | { kind: 'too-much-output' }
    | { kind: 'spawn-error'; code: string }
  );

/** Sends `signal` to the process group `pid` leads; a group that is gone already is not an error. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

class Tail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  constructor(private readonly keep: number) {}
  push(c: Buffer): void {
    this.chunks.push(c);
    this.bytes += c.length;
    while (this.bytes > this.keep && this.chunks.length > 1) this.bytes -= this.chunks.shift()!.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function runChild(run: ChildRun): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn('/bin/sh', ['-c', run.script], {
      cwd: run.cwd,
      env: run.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const limit = run.maxStdoutBytes;
    const stdout = new Tail(limit ?? TAIL_BYTES);
    const stderr = new Tail(TAIL_BYTES);
    const output = new Tail(TAIL_BYTES);
    let stdoutBytes = 0;
    let settled = false;

    const captured = (): Captured => ({
      stdout: stdout.text(),
      stderr: stderr.text(),
      output: output.text(),
      durationMs: Math.round(performance.now() - start),
    });
    const finish = (outcome: ChildOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const stop = (kind: 'timeout' | 'too-much-output'): void => {
      signalGroup(child.pid, 'SIGTERM');
      setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      // the pipes may be held by a process outside the group: stop reading them
      const outcome: ChildOutcome = { kind, ...captured() };
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      finish(outcome);
    };
    const timer = setTimeout(() => stop('timeout'), run.timeoutMs);

    child.stdout.on('data', (c: Buffer) => {
      stdoutBytes += c.length;
      if (limit !== undefined && stdoutBytes > limit) return stop('too-much-output');
      stdout.push(c);
      output.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr.push(c);
      output.push(c);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish({ kind: 'spawn-error', code: e.code ?? e.message, ...captured() }),
    );
    // 'close' (the pipes are closed too), so the output is whole
    child.on('close', (code, signal) => finish({ kind: 'exited', code, signal, ...captured() }));
  });
}
