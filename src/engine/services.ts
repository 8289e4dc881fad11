/**
 * What the engine is given to act on the world. The CLI builds real ones (cli/build-services.ts);
 * `--dry-run` swaps the write-capable ones (flags, runner, notifiers, state store, report sink) for
 * recorders, the one place that makes a dry run harmless: the engine never asks whether it is one.
 * Tests pass fakes. The engine never imports fs, axios or prompts.
 */
import type { FlagProvider, IncidentProvider, MetricsProvider, Notifier } from '../providers/types.js';
import type { StateStore } from '../state/types.js';

export interface Clock {
  now(): number;
  /** true when ROLLOUT_NOW set the clock: every journal entry and report says so */
  simulated: boolean;
  /** a real stopwatch (ms since it was made), for timing steps even when the clock is simulated */
  stopwatch(): () => number;
  /** a simulated clock only: moves it on (`rollout watch` between checks, instead of sleeping) */
  advance?: ((ms: number) => void) | undefined;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  /** a spinner on a terminal, a line otherwise; `done` ends it */
  progress(message: string): { succeed(message?: string): void; fail(message?: string): void };
}

export interface CommandResult {
  exitCode: number | null;
  /** combined stdout and stderr, trimmed to the last lines */
  output: string;
  durationMs: number;
  timedOut: boolean;
}

export interface CommandRunner {
  /** Runs a shell command; never throws for a non-zero exit (that is in the result). */
  run(args: { command: string; cwd: string; timeoutMs: number }): Promise<CommandResult>;
}

export interface PromptService {
  /** false when answers come from --yes/--answers or nowhere */
  readonly interactive: boolean;
  confirm(args: { message: string; default?: boolean }): Promise<boolean>;
  text(args: { message: string; default?: string }): Promise<string>;
  choose<T extends string>(args: { message: string; choices: { name: string; value: T }[] }): Promise<T>;
}

export interface ReportSink {
  /**
   * Writes one report file (relative to the plan's reports folder) atomically; returns its path, or
   * undefined when it was only recorded (a dry run).
   */
  write(relativePath: string, content: string): Promise<string | undefined>;
}

export interface ProviderSet {
  flagName: string;
  flags(): Promise<FlagProvider>;
  metrics(name: string): Promise<MetricsProvider>;
  /** every incidents provider the plan declares */
  incidents(): Promise<{ name: string; provider: IncidentProvider }[]>;
  notifier(name: string): Promise<Notifier>;
}

/** Masks the plan's secrets in text and in values, before anything is shown, journaled or sent. */
export interface Redactor {
  text(text: string): string;
  value<T>(value: T): T;
}

/** Makes the ids that tie an effect's start to its outcome in the journal. */
export interface IdGenerator {
  next(): string;
}

export interface Services {
  clock: Clock;
  log: Log;
  prompt: PromptService;
  runner: CommandRunner;
  store: StateStore;
  providers: ProviderSet;
  reports: ReportSink;
  redactor: Redactor;
  ids: IdGenerator;
  /** who is acting (--by, ROLLOUT_USER or the OS user) */
  actor: string;
  /** folder of the plan file, for `run:` commands */
  baseDir: string;
  /** --clock-jump: a person accepts a clock earlier than the last event, or a switch of clock (journaled) */
  clockJump?: boolean | undefined;
}
