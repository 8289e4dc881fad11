/**
 * Prompt services: interactive (@inquirer/prompts, loaded lazily) on a terminal; `--yes` answers
 * for the operator; and, with no terminal and no --yes, one that fails at once naming the flags
 * (it never waits for input).
 */
import { RolloutError } from '../errors.js';
import type { PromptService } from '../engine/services.js';
import { stopSpinners } from './spinner.js';

export function nonInteractiveError(command: string): RolloutError {
  return new RolloutError(
    'usage',
    `'${command}' needs answers, and there is no terminal to ask in (stdin or stdout is not a TTY)`,
    {
      hint:
        command === 'rollback'
          ? 'pass --yes to run every automated step and record the manual ones as pending for an operator'
          : 'pass --yes to confirm manual items and run automated ones, or --answers FILE to give the answers',
    },
  );
}

export function interactivePrompt(): PromptService {
  return {
    interactive: true,
    async confirm({ message, default: d }) {
      stopSpinners();
      const { confirm } = await import('@inquirer/prompts');
      return confirm({ message, default: d ?? false });
    },
    async text({ message, default: d }) {
      stopSpinners();
      const { input } = await import('@inquirer/prompts');
      return input({ message, ...(d !== undefined ? { default: d } : {}) });
    },
    async choose({ message, choices }) {
      stopSpinners();
      const { select } = await import('@inquirer/prompts');
      return select({ message, choices });
    },
  };
}

/** --yes: confirms; never asks. Free text gets its default. */
export function yesPrompt(): PromptService {
  return {
    interactive: false,
    confirm: async () => true,
    text: async ({ default: d }) => d ?? '',
    choose: async ({ choices }) => choices[0]!.value,
  };
}

/** No TTY and no --yes: any question is an immediate usage error. */
export function failingPrompt(command: string): PromptService {
  const fail = async (): Promise<never> => {
    throw nonInteractiveError(command);
  };
  return { interactive: false, confirm: fail, text: fail, choose: fail };
}

export function choosePrompt(args: { command: string; yes: boolean; tty: boolean }): PromptService {
  if (args.yes) return yesPrompt();
  if (args.tty) return interactivePrompt();
  return failingPrompt(args.command);
}
