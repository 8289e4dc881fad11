/**
 * Runs `run:` commands (checklist items, rollback steps) through the one child-process runner
 * (src/edges/child-process.ts: process group, SIGTERM then SIGKILL at the timeout, no waiting on
 * pipes an escaped grandchild holds). A `run:` is the plan author's own shell text; the `${VAR}`
 * placeholders in it are passed as references to the variables (never spliced), so a value cannot
 * become code (src/engine/shell-text.ts).
 */
import { runChild } from '../edges/child-process.js';
import type { CommandRunner } from '../engine/services.js';
import { toShellScript } from '../engine/shell-text.js';
import { stripControls } from '../sanitize.js';

const KEEP_LINES = 40;

export function createRunner(): CommandRunner {
  return {
    async run({ command, cwd, timeoutMs }) {
      const outcome = await runChild({ script: toShellScript(command).script, cwd, timeoutMs });
      const text =
        outcome.kind === 'spawn-error' ? `${outcome.output}cannot start the command (${outcome.code})` : outcome.output;
      return {
        exitCode: outcome.kind === 'exited' ? outcome.code : outcome.kind === 'spawn-error' ? 127 : null,
        // the output is kept in the state and shown later: text only, no terminal control
        output: stripControls(text).trimEnd().split('\n').slice(-KEEP_LINES).join('\n'),
        durationMs: outcome.durationMs,
        timedOut: outcome.kind === 'timeout',
      };
    },
  };
}
