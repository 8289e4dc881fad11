/**
 * One error type for everything the CLI reports to a user. The code decides the exit status
 * (contract §5); only the CLI entry turns a code into `process.exit`.
 */
import { stripControls } from './sanitize.js';

export type ErrorCode =
  | 'usage' // 2: invalid usage or arguments
  | 'plan' // 2: invalid plan
  | 'held' // 3: not eligible yet
  | 'gate-failed' // 4: SLO breach or incident
  | 'locked' // 5: another run holds the lock
  | 'provider' // 1: a provider failed; nothing was changed
  | 'corrupt' // 1: the state or the journal is damaged; nothing was changed
  | 'cancelled' // 130: the operator pressed Ctrl-C
  | 'internal'; // 1: a bug

export const EXIT_CODES: Record<ErrorCode, number> = {
  usage: 2,
  plan: 2,
  held: 3,
  'gate-failed': 4,
  locked: 5,
  provider: 1,
  corrupt: 1,
  cancelled: 130,
  internal: 1,
};

export class RolloutError extends Error {
  override name: string = 'RolloutError';
  readonly code: ErrorCode;
  /** How to fix it, printed after the message. */
  readonly hint: string | undefined;
  /** Extra lines (e.g. every plan problem), printed one per line. */
  readonly details: string[];

  constructor(code: ErrorCode, message: string, opts: { hint?: string; details?: string[]; cause?: unknown } = {}) {
    // messages carry provider text (error bodies, file names, command output): never control characters
    super(stripControls(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.hint = opts.hint === undefined ? undefined : stripControls(opts.hint);
    this.details = (opts.details ?? []).map(stripControls);
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

export function isRolloutError(e: unknown): e is RolloutError {
  return e instanceof RolloutError;
}

/** A provider could not answer: unreachable, rejected, timed out or malformed. Never a pass. */
export class ProviderError extends RolloutError {
  readonly provider: string;
  readonly status: number | undefined;
  constructor(provider: string, message: string, opts: { status?: number; hint?: string; cause?: unknown } = {}) {
    super('provider', message, opts);
    this.provider = provider;
    this.status = opts.status;
  }
}
