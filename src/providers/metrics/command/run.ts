/**
 * Runs a metric's command through the one child-process runner (src/edges/child-process.ts): its own
 * process group, killed whole at the deadline, and stdout bounded: output beyond MAX_OUTPUT_BYTES is
 * not a metric, so the command is stopped rather than buffered without bound.
 */
import { type ChildOutcome, runChild } from '../../../edges/child-process.js';

export const MAX_OUTPUT_BYTES = 1024 * 1024;

export type RunOutcome = ChildOutcome;

export function runCommand(args: {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<RunOutcome> {
  return runChild({
    script: args.command,
    cwd: args.cwd,
    env: args.env,
    timeoutMs: args.timeoutMs,
    maxStdoutBytes: MAX_OUTPUT_BYTES,
  });
}
