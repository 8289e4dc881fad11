/**
 * Blue-green components in `advance`: before a decision switches a component, its pre-switch `check`
 * runs; a check that fails holds the advance (exit 3) with the reason, and nothing is switched. After
 * the actions, a switch that failed (switched back at once) turns the decision into a failed one.
 */
import type { Plan } from '../../plan/schema.js';
import { checkComponent, type ComponentRun } from '../component-switch.js';
import { componentOf } from '../components.js';
import type { Decision } from '../decide.js';
import type { Services } from '../services.js';

export async function preSwitchChecks(
  plan: Plan,
  services: Services,
  phase: string,
  decision: Decision,
): Promise<{ decision: Decision; checks: ComponentRun[] }> {
  const checks: ComponentRun[] = [];
  for (const a of decision.actions) {
    if (a.type !== 'switch-component') continue;
    const c = componentOf(plan, a.component);
    if (!c.check) continue;
    const run = await checkComponent(services, c, phase);
    checks.push(run);
    if (!run.ok)
      return {
        checks,
        decision: {
          decision: 'held',
          from: decision.from,
          to: decision.to,
          reasons: [
            `component ${c.name}: the pre-switch check failed (${run.detail}); nothing was switched and the traffic stays`,
          ],
          actions: [],
        },
      };
  }
  return { decision, checks };
}

/** A decision whose component switch failed: nothing after it was done; the component is back on blue. */
export function switchFailed(decision: Decision, run: ComponentRun, back: ComponentRun | undefined): Decision {
  const backText = back
    ? back.ok
      ? 'switched back to blue'
      : `its switch-back failed too (${back.detail}): check the component by hand`
    : 'not switched back';
  return {
    ...decision,
    decision: 'failed',
    to: null,
    reasons: [
      `component ${run.component}: the switch failed (${run.detail}); ${backText}; the traffic stays`,
      ...decision.reasons,
    ],
  };
}
