/**
 * `digest`: what each stakeholder is due on its cadence, and with --send, sent through its notifiers.
 *
 * Nothing is sent twice: the whole run holds the rollout's lock (a second `digest --send` waits or
 * exits "locked"), and each digest to each notifier is recorded in the state by a key naming its
 * period. The order for one send: the state records it `sending` (saved), `effect.start` is journaled,
 * the provider is called, the state records it `sent` (saved), `effect.done` is journaled. A failed
 * send is journaled `effect.failed`, its `sending` record removed: it is due again next run. A run
 * killed between the provider call and the `sent` record leaves `sending`: nothing can tell whether
 * the receiver got it, so the next run does NOT send it again silently; it reports it as `uncertain`
 * (exit 1) until a person checks and runs `digest --send --resend`, which sends it once more with the
 * same event id (a webhook receiver can de-duplicate on it).
 */
import { RolloutError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';
import type { NotificationEvent } from '../../providers/types.js';
import { cadenceOf, type Cadence, duePeriods, type Level, levelOf } from '../../reports/digest-cadence.js';
import { digestText } from '../../reports/digest-content.js';
import { stripControls, stripControlsValue } from '../../sanitize.js';
import type { DigestRecord, RolloutState } from '../../state/types.js';
import { withEffect } from '../journal.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';

export type DigestStatus = 'due' | 'sent' | 'already-sent' | 'failed' | 'uncertain' | 'no-notifier';

export interface DigestItem {
  audience: string;
  level: Level;
  cadence: Cadence;
  key: string;
  notifier: string | null;
  status: DigestStatus;
  summary: string;
  lines: string[];
  error?: string | undefined;
}

export interface DigestOutcome {
  items: DigestItem[];
  /** stakeholders whose frequency names no cadence: no digest for them */
  unscheduled: string[];
}

const recordKey = (audience: string, key: string, notifier: string) => `${audience}::${key}::${notifier}`;

export async function runDigests(
  plan: Plan,
  services: Services,
  opts: { audience?: string | undefined; send: boolean; resend: boolean },
): Promise<DigestOutcome> {
  const chosen = plan.stakeholders.filter((s) => opts.audience === undefined || s.audience === opts.audience);
  if (opts.audience !== undefined && chosen.length === 0)
    throw new RolloutError('usage', `no stakeholder has the audience "${opts.audience}"`, {
      hint: `the plan's audiences: ${plan.stakeholders.map((s) => `"${s.audience}"`).join(', ') || 'none'}`,
    });
  const run = async () => {
    let state = await loadState(plan, services);
    const journal = await services.store.journal();
    const now = services.clock.now();
    const outcome: DigestOutcome = { items: [], unscheduled: [] };
    for (const s of chosen) {
      const cadence = cadenceOf(s);
      if (!cadence) {
        outcome.unscheduled.push(s.audience);
        continue;
      }
      const level = levelOf(s, cadence);
      const notifiers = s.notify === undefined ? [] : Array.isArray(s.notify) ? s.notify : [s.notify];
      const lastSeq = Math.max(
        0,
        ...Object.values(state.digests ?? {})
          .filter((r) => r.audience === s.audience && r.status === 'sent')
          .map((r) => r.upToSeq ?? 0),
      );
      for (const period of duePeriods({ cadence, state, journal, now, lastSeq })) {
        const text = stripControlsValue(
          services.redactor.value(digestText({ plan, state, journal, level, period, now })),
        );
        const base = { audience: s.audience, level, cadence, key: period.key, ...text };
        if (notifiers.length === 0) {
          outcome.items.push({ ...base, notifier: null, status: opts.send ? 'no-notifier' : 'due' });
          continue;
        }
        for (const notifier of notifiers) {
          const k = recordKey(s.audience, period.key, notifier);
          const rec = state.digests?.[k];
          if (rec?.status === 'sent') {
            outcome.items.push({ ...base, notifier, status: 'already-sent' });
            continue;
          }
          if (rec?.status === 'sending' && !(opts.send && opts.resend)) {
            outcome.items.push({ ...base, notifier, status: 'uncertain' });
            continue;
          }
          if (!opts.send) {
            outcome.items.push({ ...base, notifier, status: 'due' });
            continue;
          }
          const event: NotificationEvent = {
            kind: 'digest',
            plan: plan.name,
            title: plan.title ?? plan.name,
            phase: period.phase ?? state.phase,
            to: period.key,
            summary: text.summary,
            lines: text.lines,
            at: period.at,
          };
          const record: DigestRecord = {
            audience: s.audience,
            key: period.key,
            notifier,
            status: 'sending',
            at: new Date(now).toISOString(),
            ...(period.upToSeq !== undefined ? { upToSeq: period.upToSeq } : {}),
          };
          state = withDigest(state, k, record);
          await services.store.save(state);
          try {
            await withEffect(
              services,
              {
                action: 'digest.send',
                phase: state.phase,
                data: { notifier, audience: s.audience, key: period.key, resend: rec?.status === 'sending' },
              },
              async () => (await services.providers.notifier(notifier)).send(event),
              () => ({ notifier, key: period.key }),
              async () => {
                state = withDigest(state, k, { ...record, status: 'sent', at: new Date(now).toISOString() });
                await services.store.save(state);
              },
            );
            outcome.items.push({ ...base, notifier, status: 'sent' });
          } catch (e) {
            if (e instanceof RolloutError && e.code === 'locked') throw e;
            const error = stripControls(services.redactor.text((e as Error).message));
            // not sent: the record goes, so the next run sends it
            state = withDigest(state, k, undefined);
            await services.store.save(state);
            services.log.warn(`the digest for ${s.audience} (${period.key}) through ${notifier} failed: ${error}`);
            outcome.items.push({ ...base, notifier, status: 'failed', error });
          }
        }
      }
    }
    return outcome;
  };
  return opts.send ? withLock(services, run) : run();
}

function withDigest(state: RolloutState, key: string, record: DigestRecord | undefined): RolloutState {
  const digests = { ...(state.digests ?? {}) };
  if (record) digests[key] = record;
  else delete digests[key];
  return { ...state, digests };
}
