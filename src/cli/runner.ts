/**
 * Runs `run:` commands (checklist items, rollback steps) through the shell, asynchronously (the
 * lock's heartbeat keeps beating), with a timeout that bounds the whole run. The command leads its
 * own process group; at the timeout the group is sent SIGTERM, then SIGKILL, as the command metrics
 * runner does (src/providers/metrics/command/run.ts), and the run ends AT ONCE: a grandchild that
 * left the group (setsid, a daemon) and still holds the output pipes open does not keep it waiting.
 * A `run:` is the plan author's own shell text; the `${VAR}` placeholders in it are passed as
 * references to the variables (never spliced), so a value cannot become code (src/engine/shell-text.ts).
 */
import { spawn } from 'node:child_process';
import { toShellScript } from '../engine/shell-text.js';
import { stripControls } from '../sanitize.js';
import type { CommandRunner } from '../engine/services.js';

const KEEP_LINES = 40;
/** Between SIGTERM and SIGKILL on a timeout. */
const KILL_GRACE_MS = 1000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export function createRunner(): CommandRunner {
  return {
    run: ({ command, cwd, timeoutMs }) =>
      new Promise((resolve) => {
        const start = performance.now();
        const child = spawn('/bin/sh', ['-c', toShellScript(command).script], {
          cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        let output = '';
        let settled = false;
        const take = (d: Buffer) => {
          output += d.toString('utf8');
          if (output.length > 64_000) output = output.slice(-32_000);
        };
        child.stdout.on('data', take);
        child.stderr.on('data', take);
        const finish = (exitCode: number | null, timedOut: boolean) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // the output is kept in the state and shown later: text only, no terminal control
          resolve({
            exitCode,
            output: stripControls(output).trimEnd().split('\n').slice(-KEEP_LINES).join('\n'),
            durationMs: Math.round(performance.now() - start),
            timedOut,
          });
        };
        const timer = setTimeout(() => {
          signalGroup(child.pid, 'SIGTERM');
          // the group may ignore SIGTERM: this timer keeps the CLI alive until SIGKILL is sent
          setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
          // the pipes may be held by a process outside the group: stop reading them
          child.stdout.destroy();
          child.stderr.destroy();
          child.unref();
          finish(null, true);
        }, timeoutMs);
        child.on('error', (e) => {
          output += String(e.message);
          finish(127, false);
        });
        // 'close' (the pipes are closed too), so the output is whole
        child.on('close', (code) => finish(code, false));
      }),
  };
}
