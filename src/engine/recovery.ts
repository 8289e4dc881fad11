/**
 * What a crash leaves behind: side effects journaled as started with no outcome. Pure. Given what
 * the flag provider serves now, `judgeEffect` says whether such an effect landed and returns the
 * state with what actually landed recorded, so the run that reconciles never applies it twice and
 * never records it twice (the state keeps the id of the last effect it records).
 */
import type { Plan } from '../plan/schema.js';
import type { FlagState } from '../providers/types.js';
import { effectOf, type EffectData } from '../state/journal-events.js';
import type { JournalEntry, RolloutState } from '../state/types.js';
import { judgeComponentEffect } from './recovery-components.js';
import { componentRollbackFinished, componentStepRecorded } from './rollback-component.js';
import { judgeServedVariant } from './recovery-variant.js';
import { enterPhase, rollbackStarted, rollbackStepRecorded } from './state-ops.js';

export function unfinishedEffects(journal: JournalEntry[]): JournalEntry[] {
  const open = new Map<string, JournalEntry>();
  for (const e of journal) {
    if (!e.effect) continue;
    if (e.type === 'effect.start') open.set(e.effect, e);
    else if (e.type === 'effect.done' || e.type === 'effect.failed' || e.type === 'effect.interrupted')
      open.delete(e.effect);
  }
  return [...open.values()];
}

export function describeEffect(e: JournalEntry): string {
  const d = effectOf(e) ?? {};
  const what =
    d.action === 'flag.serve-variant'
      ? `serve the variant ${d.target?.variant} to ${d.target?.traffic}%`
      : d.action === 'flag.set-traffic'
        ? `set the flag to ${d.target?.traffic}%${d.target?.audience ? ` of ${d.target.audience}` : ''}`
        : d.action === 'flag.disable'
          ? 'turn the flag off'
          : d.action === 'command.run' || d.action === 'checklist.run' || String(d.action).startsWith('component.')
            ? `run \`${d.command}\` (${d.component ?? d.id})`
            : String(d.action);
  return `${what}, started ${e.at} in phase ${e.phase ?? '-'}`;
}

export interface EffectVerdict {
  /** whether the effect landed; 'unknown' when nothing can tell (a command, an unreadable flag) */
  landed: boolean | 'unknown';
  /** the state with what landed recorded; the same object when there is nothing to record */
  state: RolloutState;
  /** what it means, for the operator */
  note: string;
}

const same = (a: number, b: number) => Math.abs(a - b) < 0.001;

export function judgeEffect(args: {
  plan: Plan;
  state: RolloutState;
  effect: JournalEntry;
  flag?: FlagState | undefined;
  nowIso: string;
}): EffectVerdict {
  const { plan, state, effect: e, flag } = args;
  const d = effectOf(e) ?? {};
  const serves = flag
    ? flag.enabled
      ? `${flag.traffic}%${flag.audience ? ` of ${flag.audience}` : ''}`
      : 'nothing (off)'
    : 'an unknown share';

  if (d.action === 'flag.serve-variant') {
    const v = judgeServedVariant({ plan, state, effect: e, flag });
    if (v) return v;
  }
  if ((d.action === 'flag.set-traffic' || d.action === 'flag.serve-variant') && typeof d.target?.traffic === 'number') {
    const target = d.target.traffic;
    if (!flag || Number.isNaN(flag.traffic))
      return { landed: 'unknown', state, note: 'the flag cannot be read to tell whether it landed' };
    const landed =
      same(flag.traffic, target) && (!d.target.audience || !flag.audience || flag.audience === d.target.audience);
    if (!landed) {
      return same(flag.traffic, state.traffic)
        ? { landed: false, state, note: `it did not land: the flag serves ${serves}, as the state records` }
        : {
            landed: 'unknown',
            state,
            note: `the flag serves ${serves}: neither what it asked (${target}%) nor what the state records (${state.traffic}%); check the flag in the provider`,
          };
    }
    if (state.lastEffect === e.effect) return { landed: true, state, note: 'it landed, and the state records it' };
    const index = targetPhase(plan, state, d);
    if (index === undefined)
      return {
        landed: true,
        state,
        note: `it landed (the flag serves ${serves}), but no phase of the plan has that traffic; the state is left as it is`,
      };
    if (index === state.phaseIndex && same(state.traffic, target))
      return { landed: true, state, note: `it landed, and the state is already in ${state.phase} at ${target}%` };
    const name = plan.phases[index]!.name;
    // A run that crashed before the first save left no state: the rollout started when the flag moved.
    const from = state.status === 'not-started' ? startedAt(state, e.at) : state;
    const next = {
      ...enterPhase(from, plan, index, target, e.at, { before: d.before, after: flag }),
      lastEffect: e.effect,
    };
    return {
      landed: true,
      state: next,
      note: `it landed: the flag serves ${serves}; recorded as ${state.phase} → ${name}, entered at ${e.at}`,
    };
  }

  if (d.action === 'flag.disable') {
    if (!flag) return { landed: 'unknown', state, note: 'the flag cannot be read to tell whether it landed' };
    const off = !flag.enabled || same(flag.traffic, 0);
    const step = typeof d.step === 'number' ? d.step : plan.rollback.findIndex((s) => s.action === 'flag');
    const base =
      state.status === 'rolling-back' ? state : rollbackStarted(state, e.at, 'a rollback a crashed run started');
    if (step < 0 || step >= plan.rollback.length)
      return {
        landed: off,
        state: off ? { ...base, traffic: 0 } : state,
        note: off ? 'it landed: the flag is off' : `it did not land: the flag serves ${serves}`,
      };
    const record = {
      index: step,
      component: plan.rollback[step]!.component,
      kind: 'flag' as const,
      at: args.nowIso,
      durationMs: 0,
      ...(off
        ? { status: 'done' as const, detail: `flag ${plan.flag.key} off (found off after an interrupted run)` }
        : { status: 'failed' as const, detail: 'interrupted before the flag was turned off' }),
    };
    return {
      landed: off,
      state: { ...rollbackStepRecorded(base, record, args.nowIso), lastEffect: e.effect },
      note: off
        ? 'it landed: the flag is off; the rollback step is recorded as done'
        : `it did not land: the flag serves ${serves}; \`rollout rollback\` turns it off`,
    };
  }

  const component = state.componentRollbacks?.at(-1);
  if (
    d.action === 'command.run' &&
    d.partial === true &&
    typeof d.step === 'number' &&
    d.step < plan.rollback.length &&
    component &&
    !component.finishedAt
  ) {
    const record = interruptedStep(plan, d.step, args.nowIso);
    return {
      landed: 'unknown',
      state: componentRollbackFinished(componentStepRecorded(state, record, args.nowIso), args.nowIso),
      note: `nothing can tell whether the command finished; the step is recorded as failed and \`rollout rollback --component "${component.component}"\` runs it again`,
    };
  }
  if (
    d.action === 'command.run' &&
    typeof d.step === 'number' &&
    state.status === 'rolling-back' &&
    d.step < plan.rollback.length
  ) {
    const record = interruptedStep(plan, d.step, args.nowIso);
    return {
      landed: 'unknown',
      state: rollbackStepRecorded(state, record, args.nowIso),
      note: 'nothing can tell whether the command finished; the step is recorded as failed and `rollout rollback` runs it again',
    };
  }
  if (typeof d.action === 'string' && d.action.startsWith('component.'))
    return judgeComponentEffect(state, d, args.nowIso);
  if (d.action === 'checklist.run')
    return { landed: 'unknown', state, note: 'its answer was not recorded; `rollout checklist` runs it again' };
  if (d.action === 'manual.confirm' || d.action === 'manual.pending')
    return { landed: 'unknown', state, note: 'the manual step stays pending' };
  return { landed: 'unknown', state, note: 'check what it did before relying on the state' };
}

function startedAt(state: RolloutState, at: string): RolloutState {
  const rec = state.phases[state.phase];
  return {
    ...state,
    startedAt: at,
    updatedAt: at,
    phases: rec ? { ...state.phases, [state.phase]: { ...rec, enteredAt: at } } : state.phases,
  };
}

/** The phase an interrupted flag change was moving to: named in the journal, or the nearest with that traffic. */
function targetPhase(plan: Plan, state: RolloutState, d: Partial<EffectData>): number | undefined {
  if (d.toPhase) {
    const i = plan.phases.findIndex((p) => p.name === d.toPhase);
    if (i >= 0) return i;
  }
  const fits = plan.phases
    .map((p, i) => ({ p, i }))
    .filter(
      ({ p }) => same(p.traffic, d.target!.traffic!) && (!d.target!.audience || p.audience === d.target!.audience),
    );
  const ahead = fits.find(({ i }) => i > state.phaseIndex);
  const behind = fits.filter(({ i }) => i < state.phaseIndex).at(-1);
  return (ahead ?? behind ?? fits[0])?.i;
}

/** A rollback command step a crashed run left open: recorded as failed, so the next rollback runs it again. */
function interruptedStep(plan: Plan, step: number, nowIso: string) {
  return {
    index: step,
    component: plan.rollback[step]!.component,
    kind: 'run' as const,
    status: 'failed' as const,
    at: nowIso,
    durationMs: 0,
    detail: 'interrupted: the run stopped during this step',
  };
}
