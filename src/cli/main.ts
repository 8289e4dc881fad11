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
import { writeStd } from './std-write.js';

/**
 * The command a run names, when the program needs no other: the first word is a command's name and
 * no help is asked for. Commander then parses exactly as with every command defined (a command's
 * options, arguments and errors are its own), and the other two dozen are not set up (a few ms of
 * every start). Anything else (help, an unknown word, an option's value first) gets them all.
 */
export function onlyCommand(args: readonly string[]): string | undefined {
  if (args.some((a) => a === '-h' || a === '--help')) return undefined;
  const first = args.find((a) => !a.startsWith('-'));
  return COMMANDS.some((c) => c.name === first) ? first : undefined;
}

export function buildProgram(
  run: (action: () => Promise<number>, global: () => GlobalOptions) => Promise<void>,
  only?: string,
): Command {
  const program = new Command('rollout')
    // commander's help and errors, like everything else, through std-write.ts (a reader that went
    // away, as in `rollout --help | head`, is not an error); the commands inherit it
    .configureOutput({ writeOut: (s) => writeStd(1, s), writeErr: (s) => writeStd(2, s) })
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
    if (only !== undefined && spec.name !== only) continue;
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
  let code = 0;
  let globals: GlobalOptions = {
    json: argv.includes('--json'),
    yes: false,
    quiet: false,
    color: true,
    debug: argv.includes('--debug'),
  };
  const program = buildProgram(
    async (action, g) => {
      globals = g();
      code = await action();
    },
    onlyCommand(argv.slice(2)),
  );
  try {
    await program.parseAsync(argv);
  } catch (e) {
    code = reportError(e, globals);
  }
  process.exitCode = code;
}
