/**
 * Runs `run:` commands through the shell, asynchronously (the lock heartbeat keeps beating), with a
 * timeout. A `run:` is the plan author's own shell text; the `${VAR}` placeholders in it are passed as
 * references to the variables (never spliced), so a value cannot become code (src/engine/shell-text.ts).
 */
import { spawn } from 'node:child_process';
import { toShellScript } from '../engine/shell-text.js';
import { stripControls } from '../sanitize.js';
import type { CommandRunner } from '../engine/services.js';

const KEEP_LINES = 40;

export function createRunner(): CommandRunner {
  return {
    run: ({ command, cwd, timeoutMs }) =>
      new Promise((resolve) => {
        const start = performance.now();
        const child = spawn('/bin/sh', ['-c', toShellScript(command).script], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        let output = '';
        const take = (d: Buffer) => {
          output += d.toString('utf8');
          if (output.length > 64_000) output = output.slice(-32_000);
        };
        child.stdout.on('data', take);
        child.stderr.on('data', take);
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, timeoutMs);
        const finish = (exitCode: number | null) => {
          clearTimeout(timer);
          // the output is kept in the state and shown later: text only, no terminal control
          resolve({ exitCode, output: stripControls(output).trimEnd().split('\n').slice(-KEEP_LINES).join('\n'), durationMs: Math.round(performance.now() - start), timedOut });
        };
        child.on('error', (e) => {
          output += String(e.message);
          finish(127);
        });
        child.on('close', (code) => finish(timedOut ? null : code));
      }),
  };
}
