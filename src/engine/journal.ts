/** Journal helpers: every decision and every side effect, before and after, as typed events. */
import { crashPoint } from '../state/crash-point.js';
import { JOURNAL_VERSION, type EffectData, type JournalEventInput } from '../state/journal-events.js';
import type { JournalEntry } from '../state/types.js';
import type { Services } from './services.js';

/** Appends one event, stamped with the time, the clock, the actor and the format's version. */
export async function journal(services: Services, event: JournalEventInput): Promise<JournalEntry> {
  return services.store.append({
    v: JOURNAL_VERSION,
    at: new Date(services.clock.now()).toISOString(),
    clock: services.clock.simulated ? 'ROLLOUT_NOW' : 'system',
    type: event.type,
    phase: event.phase,
    ...(event.effect !== undefined ? { effect: event.effect } : {}),
    data: { ...event.data, actor: services.actor },
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
  args: { action: string; phase?: string | undefined; data: Omit<EffectData, 'action'> },
  fn: () => Promise<T>,
  summarize: (result: T) => Omit<EffectData, 'action'>,
  record?: (result: T, effect: string) => Promise<void>,
): Promise<T> {
  const effect = services.ids.next();
  const entry = (type: 'effect.start' | 'effect.done' | 'effect.failed', data: Omit<EffectData, 'action'>) =>
    journal(services, { type, phase: args.phase, effect, data: { action: args.action, ...data } });
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
