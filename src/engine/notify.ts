/** Routes events to the stakeholders' notifiers. A failed notification is reported, never fatal. */
import type { Plan } from '../plan/schema.js';
import type { NotificationEvent, NotificationKind } from '../providers/types.js';
import { stripControls, stripControlsValue } from '../sanitize.js';
import { journal } from './journal.js';
import type { Services } from './services.js';

export interface NotifyOutcome {
  notifier: string;
  ok: boolean;
  error?: string | undefined;
}

/** What a flow asks to tell the stakeholders; the plan's name, title and the time are added. */
export type NotifyRequest = Omit<NotificationEvent, 'plan' | 'title' | 'at'>;

/**
 * Sends the event to every notifier a stakeholder asked for it on. In a dry run the notifiers are
 * recorders: what would have been sent is recorded, and reported as sent.
 */
export async function notify(plan: Plan, services: Services, event: NotifyRequest): Promise<NotifyOutcome[]> {
  const full: NotificationEvent = {
    ...event,
    plan: plan.name,
    title: plan.title ?? plan.name,
    at: new Date(services.clock.now()).toISOString(),
  };
  const targets = new Set<string>();
  for (const s of plan.stakeholders) {
    if (s.notify === undefined) continue;
    if (s.events && !(s.events as NotificationKind[]).includes(event.kind)) continue;
    for (const n of Array.isArray(s.notify) ? s.notify : [s.notify]) targets.add(n);
  }
  const outcomes: NotifyOutcome[] = [];
  for (const name of targets) {
    try {
      const n = await services.providers.notifier(name);
      await n.send(stripControlsValue(services.redactor.value(full)));
      outcomes.push({ notifier: name, ok: true });
      await journal(services, { type: 'notify.sent', phase: event.phase, data: { notifier: name, kind: event.kind } });
    } catch (e) {
      const error = stripControls(services.redactor.text((e as Error).message));
      outcomes.push({ notifier: name, ok: false, error });
      services.log.warn(`notification to ${name} failed: ${error} (the rollout step stands)`);
      await journal(services, {
        type: 'notify.failed',
        phase: event.phase,
        data: { notifier: name, kind: event.kind, error },
      });
    }
  }
  return outcomes;
}
