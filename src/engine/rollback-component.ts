/**
 * `rollout rollback --component NAME` and `when:` steps.
 *
 * A component's rollback runs only that component's steps. When they include the flag step, it is
 * the rollout's rollback (the flag goes off, the rollout ends rolled back, as a whole rollback does).
 * Otherwise the flag is left alone: the rollout is not rolled back, the steps are recorded in
 * `componentRollbacks`, and the rollout is PAUSED (reason: the component was rolled back), so it does
 * not advance over a half-reverted system until an operator acknowledges with `rollout resume`. A
 * pause is the one "hold until a person says so" the rollout already has: status, advance and watch
 * all show it, and resume is journaled.
 *
 * A `when:` step asks its question before it runs; `--yes` (no terminal) takes the plan's default. The
 * answer is recorded with the step; "no" skips it (status `skipped`).
 */
import { RolloutError } from '../errors.js';
import type { Plan, RollbackStep } from '../plan/schema.js';
import type { RollbackAnswer, RollbackStepRecord, RolloutState } from '../state/types.js';
import type { Services } from './services.js';

/** The steps of one component (matched ignoring case and surrounding blanks); unknown → a usage error naming the known ones. */
export function componentSteps(plan: Plan, component: string): number[] {
  const key = component.trim().toLowerCase();
  const idx = plan.rollback.flatMap((s, i) => (s.component.trim().toLowerCase() === key ? [i] : []));
  if (idx.length === 0) {
    const known = [...new Set(plan.rollback.map((s) => s.component))];
    throw new RolloutError('usage', `the rollback plan of "${plan.name}" has no component "${component}"`, {
      hint: known.length
        ? `known components: ${known.map((k) => `"${k}"`).join(', ')}`
        : 'the plan has no rollback steps',
    });
  }
  return idx;
}

/** true when the component rollback leaves the flag alone (a partial rollback) */
export function isPartial(plan: Plan, steps: number[]): boolean {
  return !steps.some((i) => plan.rollback[i]!.action === 'flag');
}

export function componentRollbackStarted(
  s: RolloutState,
  component: string,
  reason: string,
  nowIso: string,
): RolloutState {
  const entry = { component, reason, startedAt: nowIso, steps: [] };
  const hold = s.status === 'in-progress' || s.status === 'not-started';
  return {
    ...s,
    updatedAt: nowIso,
    componentRollbacks: [...(s.componentRollbacks ?? []), entry],
    ...(hold
      ? {
          status: 'paused' as const,
          pausedAt: nowIso,
          pauseReason: `component "${component}" rolled back (${reason}); \`rollout resume\` acknowledges it`,
        }
      : {}),
  };
}

export function componentStepRecorded(s: RolloutState, step: RollbackStepRecord, nowIso: string): RolloutState {
  const all = [...(s.componentRollbacks ?? [])];
  const last = all.at(-1)!;
  all[all.length - 1] = { ...last, steps: [...last.steps.filter((x) => x.index !== step.index), step] };
  return { ...s, updatedAt: nowIso, componentRollbacks: all };
}

export function componentRollbackFinished(s: RolloutState, nowIso: string): RolloutState {
  const all = [...(s.componentRollbacks ?? [])];
  all[all.length - 1] = { ...all.at(-1)!, finishedAt: nowIso };
  return { ...s, updatedAt: nowIso, componentRollbacks: all };
}

/** A `when:` step's answer: asked on a terminal, the plan's default otherwise (--yes). */
export async function askWhen(step: RollbackStep, services: Services): Promise<RollbackAnswer | undefined> {
  if (!step.when) return undefined;
  const d = step.when.default === true || step.when.default === 'yes';
  if (!services.prompt.interactive) return { question: step.when.ask, answer: d ? 'yes' : 'no', by: 'default' };
  const yes = await services.prompt.confirm({ message: `${step.component}: ${step.when.ask}`, default: d });
  return { question: step.when.ask, answer: yes ? 'yes' : 'no', by: services.actor };
}
