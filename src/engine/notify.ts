/** Routes events to the stakeholders' notifiers. A failed notification is reported, never fatal. */
import type { Plan } from '../plan/schema.js';
import type { NotificationEvent, NotificationKind } from '../providers/types.js';
import { redact, redactValue } from '../redact.js';
import { stripControls, stripControlsValue } from '../sanitize.js';
import { journal } from './journal.js';
import type { Services } from './services.js';

export interface NotifyOutcome {
  notifier: string;
  ok: boolean;
  error?: string | undefined;
}

export async function notify(
  plan: Plan,
  services: Services,
  event: Omit<NotificationEvent, 'plan' | 'title' | 'at'>,
): Promise<NotifyOutcome[]> {
  const full: NotificationEvent = {
    ...event,
    plan: plan.name,
    title: plan.title ?? plan.name,
    at: new Date(services.clock.now()).toISOString(),
  };
  const targets = new Set<string>();
  for (const s of plan.stakeholders) {
    if (s.notify === undefined) continue;
    if (s.events && !s.events.includes(event.kind as NotificationKind)) continue;
    for (const n of Array.isArray(s.notify) ? s.notify : [s.notify]) targets.add(n);
  }
  if (services.dryRun) return [...targets].map((notifier) => ({ notifier, ok: true }));
  const outcomes: NotifyOutcome[] = [];
  for (const name of targets) {
    try {
      const n = await services.providers.notifier(name);
      await n.send(stripControlsValue(redactValue(full)));
      outcomes.push({ notifier: name, ok: true });
      await journal(services, 'notify.sent', { notifier: name, kind: event.kind }, event.phase);
    } catch (e) {
      const error = stripControls(redact((e as Error).message));
      outcomes.push({ notifier: name, ok: false, error });
      services.log.warn(`notification to ${name} failed: ${error} (the rollout step stands)`);
      await journal(services, 'notify.failed', { notifier: name, kind: event.kind, error }, event.phase);
    }
  }
  return outcomes;
}
