/**
 * `rollout rollback`: every blue-green component the state records as green is switched back first,
 * each one step of the rollback with its own timing against the component's `estimate`. A failed
 * switch-back leaves the rollback incomplete (the component stays green in the state), so running the
 * rollback again switches it back again; one that succeeded is never repeated (the state says blue).
 */
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import type { AfterEffects } from './after-effects.js';
import { switchBack } from './component-switch.js';
import { greenComponents } from './components.js';
import type { RollbackStepResult } from './rollback-steps.js';
import type { Services } from './services.js';

export async function switchBackComponents(a: {
  plan: Plan;
  services: Services;
  state: RolloutState;
  phase: string;
  reason: string;
  after: AfterEffects;
  save: (s: RolloutState) => Promise<void>;
}): Promise<{ state: RolloutState; steps: RollbackStepResult[] }> {
  let state = a.state;
  const steps: RollbackStepResult[] = [];
  for (const component of greenComponents(a.plan, state)) {
    const progress = a.services.log.progress(`rollback: ${component.name} — switch back to blue`);
    const r = await switchBack({
      services: a.services,
      planName: a.plan.name,
      component,
      phase: a.phase,
      state,
      reason: `rollback: ${a.reason}`,
      save: a.save,
    });
    state = r.state;
    const run = r.run;
    if (run.ok) a.after.effect(`component ${component.name}: switched back to blue`);
    steps.push({
      index: -1,
      component: component.name,
      procedure: 'switch back to blue (blue-green)',
      kind: 'switch-back',
      status: run.ok ? 'done' : 'failed',
      startedAt: run.at,
      durationMs: run.durationMs,
      estimate: component.estimate,
      overEstimate: run.overEstimate === true,
      command: run.command,
      exitCode: run.exitCode,
      output: run.output,
      detail: run.detail,
    });
    if (run.ok) progress.succeed(`${component.name}: switched back to blue (${run.detail})`);
    else progress.fail(`${component.name}: switch-back failed (${run.detail})`);
  }
  return { state, steps };
}
