/** Journal helpers: every decision and every side effect, before and after. */
import type { JournalEntry } from '../state/types.js';
import type { Services } from './services.js';

export async function journal(services: Services, type: string, data: Record<string, unknown>, phase?: string): Promise<JournalEntry | undefined> {
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
 */
export async function withEffect<T>(
  services: Services,
  args: { action: string; phase?: string | undefined; data: Record<string, unknown> },
  fn: () => Promise<T>,
  summarize: (result: T) => Record<string, unknown>,
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
  await entry('effect.start', args.data);
  try {
    const result = await fn();
    await entry('effect.done', summarize(result));
    return result;
  } catch (e) {
    await entry('effect.failed', { error: (e as Error).message });
    throw e;
  }
}
