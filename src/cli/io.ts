/**
 * Terminal manners: results to stdout (one JSON document with --json, nothing else there), logs and
 * progress to stderr, colour through chalk (off with NO_COLOR, --no-color or a non-TTY, on with
 * FORCE_COLOR), spinners only on a TTY, every line redacted and stripped of control characters (only
 * our own colour sequences survive), every JSON document redacted before it is serialised.
 */
import { redact, redactedJson } from '../redact.js';
import { stripControls, stripControlsValue, terminalText } from '../sanitize.js';
import type { Log } from '../engine/services.js';
import { startSpinner } from './spinner.js';
import { isTerminal, writeStd, writeStdPaced } from './std-write.js';

export interface GlobalOptions {
  json: boolean;
  yes: boolean;
  quiet: boolean;
  color: boolean;
  debug: boolean;
  answers?: string | undefined;
  by?: string | undefined;
  /** --clock-jump: accept a clock earlier than the rollout's last event, or a switch of clock */
  clockJump?: boolean | undefined;
}

export interface Io {
  opts: GlobalOptions;
  /** stdout: the command's result */
  out(text: string): void;
  /** stdout: the one JSON document of --json */
  json(value: unknown): void;
  /** stdout, a piece at a time, --json or not, waiting while the reader catches up: for output too long to hold */
  write(text: string): Promise<void>;
  /** stderr: logs, warnings, progress */
  err(text: string): void;
  log: Log;
  stdinTTY: boolean;
  stdoutTTY: boolean;
  stderrTTY: boolean;
  style: Style;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const plain: Style = {
  bold: (s) => s,
  dim: (s) => s,
  green: (s) => s,
  red: (s) => s,
  yellow: (s) => s,
  cyan: (s) => s,
};

/** Whether colour is on: FORCE_COLOR wins over NO_COLOR (Node's precedence); --no-color wins over both. */
export function colorEnabled(opts: { color: boolean }, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (!opts.color) return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false';
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return isTTY && env['TERM'] !== 'dumb';
}

export async function createIo(opts: GlobalOptions): Promise<Io> {
  // not process.stdout.isTTY: reading that property makes the stream (a few ms at start-up, std-write.ts)
  const stdoutTTY = isTerminal(1);
  const stderrTTY = isTerminal(2);
  const useColor = colorEnabled(opts, process.env, stdoutTTY);
  let style = plain;
  if (useColor) {
    const { Chalk } = await import('chalk');
    const c = new Chalk({ level: 1 });
    style = { bold: c.bold, dim: c.dim, green: c.green, red: c.red, yellow: c.yellow, cyan: c.cyan };
  }
  const write = (fd: 1 | 2, text: string) =>
    writeStd(fd, terminalText(redact(text.endsWith('\n') ? text : `${text}\n`), useColor));
  const err = (text: string) => write(2, text);
  const spinnerOk = stderrTTY && !opts.quiet && !opts.json && process.env['CI'] === undefined;
  const log: Log = {
    info: (m) => {
      if (!opts.quiet) err(m);
    },
    warn: (m) => err(`${style.yellow('warning:')} ${m}`),
    progress: (m) => {
      if (spinnerOk) return startSpinner(stripControls(m), opts.color && colorEnabled(opts, process.env, stderrTTY));
      if (!opts.quiet) err(`… ${m}`);
      return {
        succeed: (x) => {
          if (!opts.quiet) err(`  ✓ ${x ?? m}`);
        },
        fail: (x) => err(`  ✗ ${x ?? m}`),
      };
    },
  };
  return {
    opts,
    out: (t) => {
      if (!opts.json) write(1, t);
    },
    json: (v) => writeStd(1, `${redactedJson(stripControlsValue(v), 2)}\n`),
    write: (t) => writeStdPaced(1, redact(t)),
    err,
    log,
    stdinTTY: isTerminal(0),
    stdoutTTY,
    stderrTTY,
    style,
  };
}
