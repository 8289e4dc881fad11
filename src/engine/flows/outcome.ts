/** What a decision came to once its actions ran, and the words its notification carries. Pure. */
import type { GateResult } from '../../gates/types.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import type { Decision } from '../decide.js';
import type { RollbackStepResult } from '../rollback-steps.js';
import { phaseServed } from '../../reports/served.js';

/**
 * The decision as carried out: a contingency is `applied` only once its effect ran (never in check; a
 * dry run's recorders run it, and the CLI reports it as not applied). A rollback with a failed step
 * has not rolled the rollout back: the gate failed and the contingency is incomplete.
 */
export function withRollbackOutcome(
  decided: Decision,
  rollback: RollbackStepResult[] | undefined,
  applied: boolean,
): Decision {
  const failedSteps = rollback?.filter((r) => r.status === 'failed') ?? [];
  const contingency = decided.contingency ? { ...decided.contingency, applied } : undefined;
  if (failedSteps.length === 0) return { ...decided, contingency };
  return {
    ...decided,
    contingency,
    decision: 'failed',
    reasons: [
      ...decided.reasons,
      `rollback incomplete: ${failedSteps.map((r) => `${r.component} (${r.detail})`).join(', ')}; the rollout stays rolling-back: fix it and run \`rollout rollback\` again`,
    ],
  };
}

/**
 * For a gate that holds, or fails with no contingency applied: the key of its reason
 * (`held:checklist,approvals`). It notifies when the key changes, not at every scheduled check.
 */
export function heldKey(decision: Decision, gate: GateResult): string | undefined {
  if (!(decision.decision === 'held' || (decision.decision === 'failed' && !decision.contingency?.applied)))
    return undefined;
  const verdict = decision.decision === 'held' ? 'hold' : 'fail';
  return `${decision.decision}:${gate.criteria
    .filter((c) => c.verdict === verdict)
    .map((c) => c.name)
    .join(',')}`;
}

export function summaryLine(plan: Plan, d: Decision, state: RolloutState): string {
  switch (d.decision) {
    case 'advanced':
      return `${plan.name}: advanced from ${d.from} to ${d.to} (${phaseServed(plan, state.phase, state.traffic)})`;
    case 'completed':
      return `${plan.name}: completed (${phaseServed(plan, state.phase, state.traffic)})`;
    case 'held':
      return `${plan.name}: held in ${d.from}`;
    case 'failed':
      // a blue-green component's failed switch fails the advance without a gate contingency
      return d.contingency
        ? `${plan.name}: gate failed in ${d.from} (${d.contingency.level}); contingency: ${d.contingency.action}`
        : `${plan.name}: failed in ${d.from}: ${d.reasons[0] ?? 'see the journal'}`;
    case 'reduced':
      return `${plan.name}: reduced from ${d.from} to ${d.to} (${phaseServed(plan, state.phase, state.traffic)})`;
    case 'rolled-back':
      return `${plan.name}: rolled back from ${d.from}`;
  }
}
