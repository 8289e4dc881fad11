/** Journal helpers: every decision and every side effect, before and after. */
import { crashPoint } from '../state/crash-point.js';
import type { JournalEntry } from '../state/types.js';
import type { Services } from './services.js';

export async function journal(
  services: Services,
  type: string,
  data: Record<string, unknown>,
  phase?: string,
): Promise<JournalEntry | undefined> {
  if (services.dryRun) return undefined;
  return services.store.append({
    at: new Date(services.clock.now()).toISOString(),
    clock: services.clock.simulated ? 'ROLLOUT_NOW' : 'system',
    type,
    phase,
    data: { ...data, actor: services.actor },
  });
}

/**
 * Runs one side effect between an `effect.start` and an `effect.done` (or `effect.failed`) entry,
 * so a crash or a rollback knows exactly what was attempted and what landed.
 *
 * `record` saves what the effect changed in the state; it runs BEFORE `effect.done` is written, so
 * an effect the journal calls done is always in the state, and a crash in between leaves the effect
 * open for the next run to reconcile (see recovery.ts). When `record` fails, `effect.done` is not
 * written and its error is thrown.
 */
export async function withEffect<T>(
  services: Services,
  args: { action: string; phase?: string | undefined; data: Record<string, unknown> },
  fn: () => Promise<T>,
  summarize: (result: T) => Record<string, unknown>,
  record?: (result: T, effect: string) => Promise<void>,
): Promise<T> {
  const effect = globalThis.crypto.randomUUID();
  const entry = (type: string, data: Record<string, unknown>) =>
    services.dryRun
      ? Promise.resolve(undefined)
      : services.store.append({
          at: new Date(services.clock.now()).toISOString(),
          clock: services.clock.simulated ? 'ROLLOUT_NOW' : 'system',
          type,
          phase: args.phase,
          effect,
          data: { action: args.action, ...data, actor: services.actor },
        });
  // appending checks that the lock is still ours: a run that lost it never acts
  await entry('effect.start', args.data);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    await entry('effect.failed', { error: (e as Error).message });
    throw e;
  }
  crashPoint(`landed:${args.action}`);
  await record?.(result, effect);
  await entry('effect.done', summarize(result));
  return result;
}
