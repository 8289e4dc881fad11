/**
 * execute: the one place the engine carries out a decision's actions (flag changes, commands of a
 * rollback) through the services. Each effect is journaled before and after (journal.ts) and what it
 * changed is saved right after it landed, before the journal calls it done. Once an effect landed, a
 * later failure is a warning (after-effects.ts); before, it is the error the command ends with.
 */
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import type { AfterEffects } from './after-effects.js';
import { type ComponentRun, switchBack, switchComponent } from './component-switch.js';
import { componentOf } from './components.js';
import type { Action } from './decide.js';
import { setFlagTraffic, type FlagChange } from './flag-change.js';
import { serveVariant } from './serve-variant.js';
import { runRollback, type RollbackStepResult } from './rollback-steps.js';
import type { Services } from './services.js';
import { complete, enterPhase } from './state-ops.js';
import { phaseServed } from '../reports/served.js';

export interface ExecuteArgs {
  plan: Plan;
  services: Services;
  /** the state before the actions */
  state: RolloutState;
  /** the time the change is made at (ISO) */
  at: string;
  after: AfterEffects;
  /** why: the words the flag provider and the rollback record are given */
  reasons: { reduce: (toPhase: string, traffic: number) => string; rollback: string };
  /** called when an action failed before anything landed (the decision was not carried out) */
  onAbort?: ((error: Error) => Promise<void>) | undefined;
}

export interface Executed {
  state: RolloutState;
  flag?: FlagChange | undefined;
  rollback?: RollbackStepResult[] | undefined;
  /** whether a contingency's effect ran (a reduce, or a rollback step that did something) */
  applied: boolean;
  /** blue-green components switched (or switched back), in order */
  components?: ComponentRun[] | undefined;
  /** a component's switch failed: it was switched back and nothing after it was done */
  switchFailed?: ComponentRun | undefined;
}

export async function execute(actions: Action[], args: ExecuteArgs): Promise<Executed> {
  const { plan, services, at, after } = args;
  const phase = args.state.phase;
  const out: Executed = { state: args.state, applied: false };
  try {
    const save = async (s: RolloutState) => {
      out.state = s;
      await services.store.save(s);
    };
    for (const action of actions) {
      if (action.type === 'switch-component' || action.type === 'switch-back') {
        const component = componentOf(plan, action.component);
        const r =
          action.type === 'switch-component'
            ? await switchComponent({
                planName: plan.name,
                services,
                component,
                phase,
                toPhase: nextPhase(actions, plan),
                state: out.state,
                save,
              })
            : await switchBack({
                planName: plan.name,
                services,
                component,
                phase,
                state: out.state,
                reason: action.reason,
                save,
              }).then((b) => ({ state: b.state, runs: [b.run] }));
        out.state = r.state;
        out.components = [...(out.components ?? []), ...r.runs];
        for (const run of r.runs)
          if (run.ok)
            after.effect(
              `component ${run.component}: ${run.kind === 'switch' ? 'switched to green' : 'switched back to blue'}`,
            );
        if (action.type === 'switch-component' && !r.runs[0]!.ok) {
          out.switchFailed = r.runs[0];
          break;
        }
      } else if (action.type === 'set-traffic' || action.type === 'reduce') {
        const target = plan.phases[action.toPhase]!;
        out.flag = await setFlagTraffic({
          plan,
          services,
          phase,
          toPhase: target.name,
          traffic: action.traffic,
          audience: action.audience,
          // a variant a light contingency served stays served as the rollout moves (README: adjust-flags)
          variant: out.state.served?.variant,
          reason:
            action.type === 'reduce'
              ? args.reasons.reduce(target.name, action.traffic)
              : `enter ${target.name} (${phaseServed(plan, target.name, action.traffic)})`,
          // saved right after the flag moved, before the journal calls it done
          record: async (change, effect) => {
            after.effect(`the flag moved from ${change.before.traffic}% to ${change.after.traffic}%`);
            out.state = {
              ...enterPhase(out.state, plan, action.toPhase, action.traffic, at, change),
              lastEffect: effect,
            };
            await services.store.save(out.state);
          },
        });
        out.applied = action.type === 'reduce';
      } else if (action.type === 'serve-variant') {
        out.flag = await serveVariant(action.variant, { ...args, state: out.state }, async (state) => {
          out.state = state;
        });
        out.applied = true;
      } else if (action.type === 'complete') {
        out.state = complete(out.state, at);
      } else {
        const rb = await runRollback({
          plan,
          services,
          state: out.state,
          reason: args.reasons.rollback,
          after,
          component: action.component,
        });
        out.state = rb.state;
        out.rollback = rb.steps;
        out.applied = rb.steps.some((s) => !s.earlier && s.status !== 'pending');
      }
    }
  } catch (e) {
    if (!after.tolerates(e)) {
      if (!after.anyLanded) await args.onAbort?.(e as Error).catch(() => undefined);
      throw after.explain(e);
    }
    after.warn(
      `the state was not saved after ${after.landed.at(-1)}: ${(e as Error).message}; the next command reconciles it from the journal`,
    );
  }
  return out;
}

/** The phase a decision's set-traffic enters (where a component's switch is recorded). */
function nextPhase(actions: Action[], plan: Plan): string {
  const to = actions.find((a) => a.type === 'set-traffic');
  return to && to.type === 'set-traffic' ? plan.phases[to.toPhase]!.name : '';
}
