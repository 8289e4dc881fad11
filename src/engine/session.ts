/**
 * Reading the rollout: the lock first (for a change), then the journal (checked line by line, as a
 * stream), then the state (checked against the plan). What the files say is then made safe to act on:
 *
 * - under the lock (a command that changes the state): the clock must not run backwards or switch
 *   without --clock-jump; a torn last journal line is removed, and said so; every effect a crashed
 *   run left open is reconciled against what the flag provider serves now, and what landed is
 *   recorded, in the state and the journal, never applied again;
 * - without it (read-only commands, dry runs): the same findings are warnings, nothing is written.
 *
 * Every command reads the rollout through `loadState`, so this happens on every command, the first
 * one included; it happens once per command.
 */
import { RolloutError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import type { FlagState } from '../providers/types.js';
import { effectOf } from '../state/journal-events.js';
import { validateState } from '../state/state-check.js';
import type { JournalEntry, JournalSummary, RolloutState } from '../state/types.js';
import { checkClock, CLOCK_JUMP_HINT } from './clock-guard.js';
import { journal } from './journal.js';
import { describeEffect, judgeEffect, type EffectVerdict } from './recovery.js';
import type { Services } from './services.js';
import { initialState } from './state-ops.js';

interface Session {
  locked: boolean;
  opened: boolean;
  /** for read-only commands: what a crashed run left open, as judged now */
  interrupted: InterruptedEffect[];
  /** under the lock: a reduce a crashed run started, which landed and is now recorded */
  reducedBefore?: { from: string; to: string; at: string } | undefined;
}

export interface InterruptedEffect {
  effect: string;
  action: string;
  startedAt: string;
  phase: string | undefined;
  landed: boolean | 'unknown';
  note: string;
}

const sessions = new WeakMap<Services, Session>();
const iso = (services: Services) => new Date(services.clock.now()).toISOString();

/**
 * Runs a change under the rollout's lock, taken before anything is read. A recording store (a dry
 * run) gives a read-only lock: the rollout is then read as a read-only command reads it.
 */
export async function withLock<T>(services: Services, fn: () => Promise<T>): Promise<T> {
  const lock = await services.store.lock();
  sessions.set(services, { locked: !lock.readOnly, opened: false, interrupted: [] });
  try {
    return await fn();
  } finally {
    sessions.delete(services);
    await lock.release();
  }
}

/** The rollout's state, checked; on the command's first read, made safe to act on (see above). */
export async function loadState(plan: Plan, services: Services): Promise<RolloutState> {
  let session = sessions.get(services);
  if (!session) {
    session = { locked: false, opened: false, interrupted: [] };
    sessions.set(services, session);
  }
  const summary = await services.store.summary();
  const raw = await services.store.load();
  let state =
    raw === undefined ? initialState(plan, iso(services)) : await validateState(raw, plan, services.store.describe());
  if (state.plan !== plan.name)
    throw new RolloutError(
      'usage',
      `the state in ${services.store.describe()} belongs to plan "${state.plan}", not "${plan.name}"`,
    );
  if (!session.opened) {
    session.opened = true;
    if (session.locked) state = await openForChange(plan, services, state, summary, session);
    else session.interrupted = await inspect(plan, services, state, summary);
  }
  return state;
}

/** What a crashed run left open, as the last read-only `loadState` of this command judged it. */
export function interruptedEffects(services: Services): InterruptedEffect[] {
  return sessions.get(services)?.interrupted ?? [];
}

/**
 * A reduce that a crashed run started and that landed, recorded by this command's read: a `reduce`
 * run again completes that one (journal, notification, report) instead of reducing a second time.
 */
export function reducedBefore(services: Services): { from: string; to: string; at: string } | undefined {
  return sessions.get(services)?.reducedBefore;
}

/** For commands that read the journal only (history): the journal's findings as warnings. */
export async function inspectJournal(services: Services): Promise<void> {
  const summary = await services.store.summary();
  if (summary.torn) services.log.warn(tornWarning(summary));
  if (summary.open.length > 0 && (await services.store.activeHolder())) return;
  for (const e of summary.open)
    services.log.warn(
      `a previous run stopped before it finished: ${describeEffect(e)}; the next command that changes the state reconciles it`,
    );
}

function lastEvent(
  summary: JournalSummary,
  state: RolloutState,
): { at: string; clock: 'system' | 'ROLLOUT_NOW' } | undefined {
  if (summary.last && Date.parse(summary.last.at) >= Date.parse(state.updatedAt)) return summary.last;
  if (summary.lastSeq === 0 && state.status === 'not-started') return undefined;
  return { at: state.updatedAt, clock: summary.last?.clock ?? (state.simulatedClock ? 'ROLLOUT_NOW' : 'system') };
}

const tornWarning = (s: JournalSummary) =>
  `the journal ${s.file}: its last line, line ${s.torn!.line}, is torn (a crash in the middle of an append); it is ignored, and the next command that changes the state removes it`;

async function openForChange(
  plan: Plan,
  services: Services,
  loaded: RolloutState,
  summary: JournalSummary,
  session: Session,
): Promise<RolloutState> {
  const jump = checkClock({
    now: services.clock.now(),
    simulated: services.clock.simulated,
    last: lastEvent(summary, loaded),
  });
  if (jump && !services.clockJump)
    throw new RolloutError('usage', `${jump.message}; nothing was changed`, { hint: CLOCK_JUMP_HINT });
  if (jump) {
    services.log.warn(`${jump.message}: accepted (--clock-jump)`);
    await journal(services, {
      type: 'clock.jumped',
      phase: loaded.phase,
      data: { kind: jump.kind, from: jump.from, to: jump.to },
    });
  }

  if (summary.torn) {
    const removed = await services.store.repairTornTail();
    if (removed) {
      services.log.warn(
        `the journal ${summary.file}: its last line, line ${removed.line}, was torn (a crash in the middle of an append) and is removed; the journal keeps its text (journal.repaired)`,
      );
      await journal(services, {
        type: 'journal.repaired',
        phase: loaded.phase,
        data: { line: removed.line, removed: removed.text.slice(0, 2000) },
      });
    }
  }

  let state = loaded;
  // a reduce killed after its flag change was journaled done and saved, before its `rollout.reduced`
  // entry: the journal ends on a flag change of a later phase than the state's. Done, not done twice.
  const lastEntry = summary.last?.entry;
  const fromIndex = plan.phases.findIndex((p) => p.name === lastEntry?.phase);
  if (
    lastEntry?.type === 'effect.done' &&
    String(effectOf(lastEntry)?.action).startsWith('flag.') &&
    state.status === 'in-progress' &&
    fromIndex > state.phaseIndex
  )
    session.reducedBefore = { from: lastEntry.phase!, to: state.phase, at: lastEntry.at };
  if (summary.open.length === 0) return state;
  const flag = await readFlagFor(plan, summary.open, services);
  for (const e of summary.open) {
    const v = judgeEffect({ plan, state, effect: e, flag, nowIso: iso(services) });
    services.log.warn(`a previous run stopped before it finished: ${describeEffect(e)}; ${v.note}`);
    const recorded = v.state !== state;
    // the state first: an effect the journal closes is always in the state
    if (recorded) {
      state = { ...v.state, updatedAt: iso(services) };
      await services.store.save(state);
    }
    // a reduce that landed (recorded now, or saved before the run died) is done: not to be done twice
    const reason = effectOf(e)?.reason;
    if (v.landed === true && typeof reason === 'string' && reason.startsWith('reduce'))
      session.reducedBefore = { from: e.phase ?? state.phase, to: state.phase, at: e.at };
    await journal(services, {
      type: 'effect.interrupted',
      phase: e.phase,
      effect: e.effect,
      data: {
        action: String(effectOf(e)?.action),
        startedAt: e.at,
        landed: v.landed,
        observed: flag ?? null,
        recorded,
        note: v.note,
      },
    });
  }
  return state;
}

async function inspect(
  plan: Plan,
  services: Services,
  state: RolloutState,
  summary: JournalSummary,
): Promise<InterruptedEffect[]> {
  const jump = checkClock({
    now: services.clock.now(),
    simulated: services.clock.simulated,
    last: lastEvent(summary, state),
  });
  if (jump) services.log.warn(`${jump.message}; commands that change the state refuse it without --clock-jump`);
  if (summary.torn) services.log.warn(tornWarning(summary));
  if (summary.open.length === 0) return [];
  const running = await services.store.activeHolder();
  if (running) {
    services.log.info(`a run is acting now (${running}): ${summary.open.map(describeEffect).join('; ')}`);
    return [];
  }
  let flag: FlagState | undefined;
  try {
    flag = await readFlagFor(plan, summary.open, services);
  } catch {
    flag = undefined;
  }
  return summary.open.map((e) => {
    const v: EffectVerdict = judgeEffect({ plan, state, effect: e, flag, nowIso: iso(services) });
    const pending = v.state !== state ? '; the next command that changes the state records it' : '';
    services.log.warn(`a previous run stopped before it finished: ${describeEffect(e)}; ${v.note}${pending}`);
    return {
      effect: e.effect!,
      action: String(effectOf(e)?.action),
      startedAt: e.at,
      phase: e.phase,
      landed: v.landed,
      note: v.note,
    };
  });
}

/** The flag as the provider serves it now, read once, when an open effect touched it. */
async function readFlagFor(plan: Plan, open: JournalEntry[], services: Services): Promise<FlagState | undefined> {
  if (!open.some((e) => String(effectOf(e)?.action).startsWith('flag.'))) return undefined;
  return (await services.providers.flags()).read({ flag: plan.flag.key });
}
