/**
 * Once a side effect has landed, the command must never end as "unexpected error, nothing was
 * changed": each later step that fails (saving the state, a journal entry, reports) becomes a warning
 * naming what was not written, and the command ends with its decision's exit code, reporting the
 * effects. Before any effect a failure stays an error (nothing was changed). Reports are a by-product:
 * they never turn a decision into an error. A run that lost its lock always stops with that error.
 */
import { isRolloutError, RolloutError } from '../errors.js';
import type { Services } from './services.js';

export class AfterEffects {
  readonly warnings: string[] = [];
  /** what landed, for the record and for a lost-lock error */
  readonly landed: string[] = [];

  constructor(private readonly services: Services) {}

  get anyLanded(): boolean {
    return this.landed.length > 0;
  }

  effect(what: string): void {
    this.landed.push(what);
  }

  warn(message: string): void {
    const m = this.services.redactor.text(message);
    this.warnings.push(m);
    this.services.log.warn(m);
  }

  /** Runs one step after the decision; `soft` steps are warnings even before any effect. */
  async step<T>(what: string, fn: () => Promise<T>, fallback: T, opts: { soft?: boolean } = {}): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!this.tolerates(e, opts.soft)) throw this.explain(e);
      this.warn(`${what} ${/s$/.test(what) ? 'were' : 'was'} not written: ${(e as Error).message}`);
      return fallback;
    }
  }

  /** The error a command ends with: one that stopped it after effects landed still says what they were. */
  explain(e: unknown): unknown {
    if (!this.anyLanded || !isRolloutError(e)) return e;
    return new RolloutError(e.code, e.message, {
      details: [...e.details, ...this.landed.map((l) => `done before it stopped: ${l}`)],
      hint: e.hint,
      cause: e,
    });
  }

  /** Whether an error after this point is a warning rather than the command's outcome. */
  tolerates(e: unknown, soft = false): boolean {
    if (isRolloutError(e) && e.code === 'locked') return false;
    return soft || this.anyLanded;
  }
}
