/**
 * What the exit boundary (main.ts) shows for an error: the message, its details and hint on stderr
 * (masked, cleaned of control characters, a stack only with --debug), one JSON document on stdout with
 * --json, and the contract's exit code.
 */
import { CommanderError } from 'commander';
import { EXIT_CODES, isRolloutError, RolloutError } from '../errors.js';
import { redact, redactedJson } from '../redact.js';
import { stripControls, stripControlsValue } from '../sanitize.js';
import type { GlobalOptions } from './io.js';
import { writeStd } from './std-write.js';

export function reportError(e: unknown, g: GlobalOptions): number {
  if (e instanceof CommanderError) {
    // `rollout` alone shows the help as an error (exitCode 1): a usage error for us.
    if (
      e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      (e.code === 'commander.help' && e.exitCode === 0)
    )
      return 0;
    // commander already printed its message on stderr; --json still promises one document on stdout
    if (g.json)
      writeStd(
        1,
        `${JSON.stringify(
          {
            error: {
              code: 'usage',
              exitCode: EXIT_CODES.usage,
              message: e.message.replace(/^error: /, ''),
              details: [],
              hint: 'rollout --help lists the commands and options',
            },
          },
          null,
          2,
        )}\n`,
      );
    return EXIT_CODES.usage;
  }
  if ((e as Error)?.name === 'ExitPromptError') {
    writeStd(2, 'rollout: cancelled; answers given so far are saved\n');
    return EXIT_CODES.cancelled;
  }
  const err = isRolloutError(e)
    ? e
    : new RolloutError('internal', `unexpected error: ${(e as Error)?.message ?? String(e)}`, {
        hint: 'run again with --debug for the stack trace, and report it',
        cause: e,
      });
  if (g.json) {
    writeStd(
      1,
      `${redactedJson(
        stripControlsValue({
          error: { code: err.code, exitCode: err.exitCode, message: err.message, details: err.details, hint: err.hint },
        }),
        2,
      )}\n`,
    );
  }
  const lines = [`rollout: ${err.message}`, ...err.details.map((d) => `  ${d}`)];
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  if (g.debug)
    lines.push(String((e as Error)?.stack ?? ''), String(((e as Error)?.cause as Error | undefined)?.stack ?? ''));
  writeStd(2, `${stripControls(redact(lines.join('\n')))}\n`);
  return err.exitCode;
}
