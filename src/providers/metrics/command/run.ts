/**
 * Runs one shell command with a deadline. The command leads its own process group, so a timeout kills
 * everything it started (a pipeline, a `curl` in a subshell), not just the shell.
 */
import { spawn } from 'node:child_process';

/** Output beyond this is not a metric; the command is stopped rather than buffered without bound. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
/** Between SIGTERM and SIGKILL on a timeout. */
const KILL_GRACE_MS = 1000;

export type RunOutcome =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
  | { kind: 'timeout'; stderr: string }
  | { kind: 'too-much-output'; stderr: string }
  | { kind: 'spawn-error'; code: string };

export function runCommand(args: {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', args.command], {
      cwd: args.cwd,
      env: args.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let settled = false;
    const stderr = () => Buffer.concat(err).toString('utf8');

    const finish = (outcome: RunOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const killGroup = (): void => {
      signalGroup(child.pid, 'SIGTERM');
      // the group may ignore SIGTERM; the timer must not keep the CLI alive
      setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
    };

    // resolved at once, not on 'close': a grandchild that escaped the group may hold the pipes open
    const timer = setTimeout(() => {
      killGroup();
      finish({ kind: 'timeout', stderr: stderr() });
    }, args.timeoutMs);

    child.stdout.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > MAX_OUTPUT_BYTES) {
        killGroup();
        finish({ kind: 'too-much-output', stderr: stderr() });
      } else out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      // only the tail of stderr is ever shown
      errBytes += c.length;
      err.push(c);
      while (errBytes > 64 * 1024 && err.length > 1) errBytes -= err.shift()!.length;
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish({ kind: 'spawn-error', code: e.code ?? e.message }));
    child.on('close', (code, signal) =>
      finish({ kind: 'exited', code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr() }),
    );
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
