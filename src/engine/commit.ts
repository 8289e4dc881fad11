/**
 * The one way a change of state is committed, under the rollout's lock, in one fixed order:
 *
 *   1. the state is saved (an effect the journal records is always in the state);
 *   2. the journal entry that records the change is appended;
 *   3. the stakeholders are notified (a failed notification is a warning, journaled by notify);
 *   4. the reports of the phases the change concerns are written (a by-product: never an error).
 *
 * Every flow (advance, reduce, rollback, approve, checklist, pause/resume, reset) ends here. Once an
 * effect has landed, a step that fails is a warning (after-effects.ts), never "nothing was changed".
 */
import type { Plan } from '../plan/schema.js';
import type { JournalEventInput } from '../state/journal-events.js';
import type { RolloutState } from '../state/types.js';
import { AfterEffects } from './after-effects.js';
import { journal } from './journal.js';
import { notify, type NotifyOutcome, type NotifyRequest } from './notify.js';
import type { Services } from './services.js';

export interface CommitArgs {
  plan: Plan;
  services: Services;
  /** what landed before the commit (a flow with no effect passes a fresh one) */
  after?: AfterEffects | undefined;
  /** the state to save; undefined when the change leaves the state as it is (nothing is saved) */
  state: RolloutState | undefined;
  /** the journal entry that records the change; undefined for none */
  event: JournalEventInput | undefined;
  /** what to tell the stakeholders; undefined for nothing */
  notification?: NotifyRequest | undefined;
  /** the phases whose reports are written again */
  reportPhases?: string[] | undefined;
}

export interface Committed {
  notifications: NotifyOutcome[];
  reports: string[];
}

/** Reports load only when a phase is left, so read-only commands never pay for them. */
async function writeReportsLazily(
  args: Parameters<typeof import('./write-reports.js').writeReports>[0],
): Promise<string[]> {
  const { writeReports } = await import('./write-reports.js');
  return writeReports(args);
}

export async function commit(args: CommitArgs): Promise<Committed> {
  const { plan, services, state, event } = args;
  const after = args.after ?? new AfterEffects(services);
  if (state) await after.step('the state', () => services.store.save(state), undefined);
  if (event) await after.step(`the journal entry ${event.type}`, () => journal(services, event), undefined);
  const request = args.notification;
  const notifications = request
    ? await after.step('notifications', () => notify(plan, services, request), [], { soft: true })
    : [];
  const phases = args.reportPhases ?? [];
  const reports =
    state && phases.length > 0
      ? await after.step('the reports', () => writeReportsLazily({ plan, state, services, phases }), [], {
          soft: true,
        })
      : [];
  return { notifications, reports };
}
