/** `rollout watch`'s pieces: its options read and checked, one check as a line, and change-only notifications. */
import type { Decision } from '../../engine/decide.js';
import { heldKey, summaryLine } from '../../engine/flows/outcome.js';
import { notify } from '../../engine/notify.js';
import type { Services } from '../../engine/services.js';
import { loadState, withLock } from '../../engine/session.js';
import { RolloutError } from '../../errors.js';
import type { GateResult, Observations } from '../../gates/types.js';
import { parseDuration } from '../../plan/duration.js';
import type { Plan } from '../../plan/schema.js';
import type { NotificationKind } from '../../providers/types.js';
import { countdown } from '../../reports/countdown.js';
import type { RolloutState } from '../../state/types.js';
import type { Style } from '../io.js';
import type { WatchBounds } from '../watch-loop.js';

/** What one check saw, for the line, the live view and --json. */
export interface Seen {
  n: number;
  at: string;
  phase?: string | undefined;
  traffic?: number | undefined;
  /** the traffic as the phase serves it: "5% of technical-users" */
  served?: string | undefined;
  status?: string | undefined;
  decision?: Decision | undefined;
  gate?: GateResult | undefined;
  /** what the gate was judged on (a check's; an advance does not hand it out) */
  observations?: Observations | undefined;
  countdown?: string | undefined;
  notified?: string[] | undefined;
  skipped?: string | undefined;
}

function duration(opts: Record<string, unknown>, name: string, fallback?: string): number | undefined {
  const raw = opts[name] ?? fallback;
  if (raw === undefined) return undefined;
  const ms = parseDuration(String(raw));
  if (ms === undefined || ms <= 0)
    throw new RolloutError('usage', `--${name} ${String(raw)} is not a duration`, {
      hint: `e.g. --${name} 10m (s, m, h or d)`,
    });
  return ms;
}

export function readBounds(opts: Record<string, unknown>): WatchBounds {
  const act = Boolean(opts['advance']);
  if (opts['applyContingency'] && !act)
    throw new RolloutError('usage', '--apply-contingency acts only with --advance', {
      hint: 'rollout watch PLAN --advance --apply-contingency',
    });
  const until = opts['until'] ?? (act ? 'done' : 'eligible');
  if (until !== 'eligible' && until !== 'done')
    throw new RolloutError('usage', `--until ${String(until)}: it is "eligible" or "done"`, {
      hint: 'rollout watch PLAN --until eligible',
    });
  let maxChecks: number | undefined;
  if (opts['maxChecks'] !== undefined) {
    maxChecks = Number(opts['maxChecks']);
    if (!Number.isInteger(maxChecks) || maxChecks < 1)
      throw new RolloutError('usage', `--max-checks ${String(opts['maxChecks'])} is not a whole number above 0`, {
        hint: 'e.g. --max-checks 6',
      });
  }
  return {
    everyMs: duration(opts, 'every', '10m')!,
    until,
    forMs: duration(opts, 'for', '24h'),
    maxChecks,
    act,
  };
}

const WORD: Record<string, string> = {
  advanced: 'advanced',
  completed: 'completed',
  held: 'held',
  failed: 'gate failed',
  reduced: 'reduced',
  'rolled-back': 'rolled back',
};

/** One check as one line (no TTY): when, where, what was (or would be) decided, and what it waits for. */
export function watchLine(s: Seen, style: Style, act: boolean): string {
  const head = `${s.at} #${s.n}`;
  if (s.skipped) return `${head} skipped: ${s.skipped}`;
  if (!s.decision) return `${head} the rollout is ${s.status}: nothing left to watch`;
  const d = s.decision;
  const what =
    d.decision === 'held' || d.decision === 'failed'
      ? `${WORD[d.decision]} in ${d.from} (${s.served ?? `${s.traffic}%`})`
      : act
        ? `${WORD[d.decision]}: ${d.from}${d.to ? ` → ${d.to}` : ''} (${s.served ?? `${s.traffic}%`})`
        : `eligible in ${d.from} (${s.served ?? `${s.traffic}%`}): advance would decide ${d.decision}${d.to ? ` → ${d.to}` : ''}`;
  const paint =
    d.decision === 'held'
      ? style.yellow
      : d.decision === 'advanced' || d.decision === 'completed'
        ? style.green
        : style.red;
  const told = s.notified?.length ? ` · notified ${s.notified.join(', ')}` : '';
  return `${head} ${paint(what)} · ${s.countdown ?? ''}${told}`;
}

/**
 * For a watch that only checks: tells the stakeholders when what the check finds changes (the first
 * check included, unless a watch or an advance already told them the same: what was told is kept in
 * the state's `lastHeldKey`, as advance keeps it). Sent under the plan's lock, so it never crosses an
 * advance; when another run holds it, or acted since the check, the news waits for the next check.
 */
export function changeNotifier(plan: Plan, services: Services, toldBefore: string | undefined) {
  let told = toldBefore;
  return async (decision: Decision, gate: GateResult, state: RolloutState): Promise<string[]> => {
    const key = heldKey(decision, gate) ?? `${decision.decision}:${decision.to ?? ''}`;
    if (key === told) return [];
    const eligible = decision.decision === 'advanced' || decision.decision === 'completed';
    const kind: NotificationKind = eligible ? 'eligible' : decision.decision === 'held' ? 'held' : 'failed';
    const summary = eligible
      ? `${plan.name}: ${decision.from} can be left now (advance would decide: ${decision.decision}${decision.to ? ` → ${decision.to}` : ''})`
      : summaryLine(plan, decision, state);
    // nobody listens for this kind: nothing to send, nothing to take the lock for or to remember
    if (!plan.stakeholders.some((x) => x.notify !== undefined && (!x.events || x.events.includes(kind)))) {
      told = key;
      return [];
    }
    try {
      const sent = await withLock(services, async () => {
        // read again under the lock: a run that acted since then makes this news stale
        const fresh = await loadState(plan, services);
        if (fresh.phase !== state.phase || fresh.status !== state.status) return undefined;
        if (fresh.lastHeldKey === key) return [];
        const out = await notify(plan, services, {
          kind,
          phase: decision.from,
          to: decision.to ?? undefined,
          summary,
          lines: [countdown(gate, services.clock.now()).text, ...decision.reasons],
        });
        // remembered with the rollout, as an advance remembers it: the next watch or advance does not repeat it
        if (fresh.status !== 'not-started') await services.store.save({ ...fresh, lastHeldKey: key });
        return out;
      });
      if (sent === undefined) return [];
      told = key;
      return sent.filter((x) => x.ok).map((x) => x.notifier);
    } catch (e) {
      if (e instanceof RolloutError && e.code === 'locked') return [];
      throw e;
    }
  };
}
