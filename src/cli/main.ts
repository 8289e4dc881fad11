/**
 * The commander program and the one exit boundary: every error becomes a message on stderr and the
 * exit code of contract §5; a stack trace only with --debug. Command modules load lazily, so
 * `rollout --version` and `rollout status` start fast.
 */
import { Command, Option } from 'commander';
import { VERSION } from '../version.js';
import { reportError } from './error-output.js';
import { COMMANDS } from './command-list.js';
import type { GlobalOptions } from './io.js';

export function buildProgram(
  run: (action: () => Promise<number>, global: () => GlobalOptions) => Promise<void>,
): Command {
  const program = new Command('rollout')
    .description(
      'Progressive delivery from a YAML plan: checklists, gates that explain themselves, contingency and rollback, reports.',
    )
    .version(VERSION, '-V, --version')
    .option('--json', 'write one JSON document to stdout and nothing else')
    .option(
      '-y, --yes',
      'no prompts: confirm manual checklist items, run automated ones; manual rollback steps stay pending',
    )
    .option('-q, --quiet', 'only errors on stderr')
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('--by <name>', 'who is acting (default: ROLLOUT_USER or the OS user)')
    .option('--answers <file>', 'checklist answers from a YAML or JSON file')
    .option(
      '--clock-jump',
      'accept a clock earlier than the last recorded event, or a switch between ROLLOUT_NOW and the system clock (journaled)',
    )
    .addOption(new Option('--debug', 'print stack traces').hideHelp())
    .showSuggestionAfterError(true)
    .exitOverride();
  const globals = (): GlobalOptions => {
    const o = program.opts();
    return {
      json: Boolean(o['json']),
      yes: Boolean(o['yes']),
      quiet: Boolean(o['quiet']),
      color: o['color'] !== false,
      debug: Boolean(o['debug']),
      answers: o['answers'] as string | undefined,
      by: o['by'] as string | undefined,
      clockJump: Boolean(o['clockJump']),
    };
  };
  for (const spec of COMMANDS) {
    let c = program
      .command(spec.name + (spec.args ? ` ${spec.args}` : ''))
      .description(spec.summary)
      .exitOverride();
    if (spec.options) c = spec.options(c);
    c.action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const plan = spec.args ? (args[0] as string) : undefined;
      const opts: Record<string, unknown> = { ...cmd.opts(), positional: cmd.args };
      await run(
        async () =>
          (await spec.load())(plan, opts, { ...globals(), by: (opts['by'] as string | undefined) ?? globals().by }),
        globals,
      );
    });
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `rollout history PLAN | head`: a reader that went away is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  let code = 0;
  let globals: GlobalOptions = {
    json: argv.includes('--json'),
    yes: false,
    quiet: false,
    color: true,
    debug: argv.includes('--debug'),
  };
  const program = buildProgram(async (action, g) => {
    globals = g();
    code = await action();
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    code = reportError(e, globals);
  }
  process.exitCode = code;
}
