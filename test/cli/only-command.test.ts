/**
 * main.ts sets up only the command a run names (onlyCommand): every argument list must parse exactly
 * as with the whole program: the same action with the same plan, options and globals, or the same
 * error (code and message), or the same help. Checked in-process on every command and a spread of
 * argument lists, right and wrong.
 */
import { describe, expect, it } from '@jest/globals';
import type { Command, CommanderError } from 'commander';
import { COMMANDS } from '../../src/cli/command-list.js';
import { buildProgram, onlyCommand } from '../../src/cli/main.js';

interface Outcome {
  action?: { name: string; opts: Record<string, unknown>; args: string[]; globals: unknown };
  error?: { code: string; message: string };
  out: string;
}

async function parse(args: string[], only: boolean): Promise<Outcome> {
  const outcome: Outcome = { out: '' };
  const program: Command = buildProgram(
    async (_action, g) => {
      outcome.action = { ...(outcome.action as NonNullable<Outcome['action']>), globals: g() };
    },
    only ? onlyCommand(args) : undefined,
  );
  const capture = (c: Command) => {
    c.configureOutput({ writeOut: (t) => (outcome.out += t), writeErr: (t) => (outcome.out += t) });
    for (const sub of c.commands) {
      capture(sub);
      // record the parsed command before the action runs (the action is replaced by the recorder above)
      sub.hook('preAction', (_this, cmd) => {
        outcome.action = { name: cmd.name(), opts: cmd.opts(), args: [...cmd.args], globals: undefined };
      });
    }
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'rollout', ...args]);
  } catch (e) {
    const ce = e as CommanderError;
    outcome.error = { code: ce.code, message: ce.message };
  }
  return outcome;
}

const lists: string[][] = [
  ...COMMANDS.flatMap((c) => [
    [c.name, 'plans/p.yaml'],
    [c.name, 'plans/p.yaml', '--json'],
    ['--json', c.name, 'plans/p.yaml', '--quiet'],
    [c.name, 'plans/p.yaml', '--no-such-option'],
    [c.name, 'plans/p.yaml', 'extra', 'words', 'here'],
    [c.name],
    [c.name, '--help'],
    [c.name, 'plans/p.yaml', '-h'],
  ]),
  ['status', 'plans/p.yaml', '--all'],
  ['status', '--all', 'plans'],
  ['advance', 'plans/p.yaml', '--dry-run', '--yes', '--by', 'ana'],
  ['approve', 'plans/p.yaml', '--by', 'tech-lead', '--note', 'go'],
  ['rollback', 'plans/p.yaml', '--reason', 'slo', '--yes'],
  ['--by', 'ana', 'status', 'plans/p.yaml'],
  ['statu', 'plans/p.yaml'],
  ['help'],
  ['help', 'status'],
  ['--help'],
  [],
  ['--version'],
  ['status', 'plans/p.yaml', '--clock-jump', '--debug', '--no-color'],
];

describe('only the command a run names is set up, and it parses as the whole program does', () => {
  it('onlyCommand: the first word when it is a command and no help is asked for', () => {
    expect(onlyCommand(['status', 'p.yaml'])).toBe('status');
    expect(onlyCommand(['--json', 'advance', 'p.yaml'])).toBe('advance');
    expect(onlyCommand(['--by', 'ana', 'status', 'p.yaml'])).toBeUndefined();
    expect(onlyCommand(['status', 'p.yaml', '--help'])).toBeUndefined();
    expect(onlyCommand(['help', 'status'])).toBeUndefined();
    expect(onlyCommand(['statu'])).toBeUndefined();
    expect(onlyCommand(['constructor'])).toBeUndefined();
    expect(onlyCommand([])).toBeUndefined();
  });

  it.each(lists.map((l) => [l.join(' ') || '(nothing)', l]))('rollout %s', async (_label, args) => {
    const whole = await parse(args as string[], false);
    const only = await parse(args as string[], true);
    expect(only).toEqual(whole);
    // the lists do reach actions, errors and help
    expect(whole.action !== undefined || whole.error !== undefined).toBe(true);
  });
});
