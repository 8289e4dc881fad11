/**
 * decide: from a gate's assessment to what should happen next, and why. Pure.
 */
import type { GateResult } from '../gates/types.js';
import type { ContingencyLevel, Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import { phaseServed } from '../reports/served.js';
import { greenComponents, switchesEntering } from './components.js';

export type DecisionKind = 'advanced' | 'completed' | 'held' | 'failed' | 'rolled-back' | 'reduced';
export type ContingencyAction = 'hold' | 'reduce-traffic' | 'rollback' | 'adjust-flags';

export type Action =
  | { type: 'set-traffic'; toPhase: number; traffic: number; audience?: string | undefined }
  | { type: 'reduce'; toPhase: number; traffic: number; audience?: string | undefined }
  | { type: 'rollback'; component?: string | undefined }
  /** the light contingency's adjust-flags: the canary gets `variant` instead of `on`, at the same traffic */
  | { type: 'serve-variant'; variant: string }
  | { type: 'complete' }
  /** a blue-green component switched to green, before the traffic enters its `switchAt` phase */
  | { type: 'switch-component'; component: string }
  /** a green component switched back to blue at once (a failed gate), ahead of any contingency */
  | { type: 'switch-back'; component: string; reason: string };

export interface ContingencyDecision {
  level: ContingencyLevel;
  action: ContingencyAction;
  /** whether `advance` carries it out now (asked with --apply-contingency, or automatic in the plan) */
  advised: boolean;
  /** whether it was carried out: false from decide; true only once `advance` ran the action */
  applied: boolean;
  automatic: boolean;
  /** what a person should do, in words */
  advice: string;
}

export interface Decision {
  decision: DecisionKind;
  from: string;
  to: string | null;
  reasons: string[];
  contingency?: ContingencyDecision | undefined;
  actions: Action[];
}

/** What the plan says to do at each level when it says nothing. */
const DEFAULT_CONTINGENCY: Record<ContingencyLevel, ContingencyAction> = {
  light: 'hold',
  moderate: 'reduce-traffic',
  severe: 'rollback',
};

export const EXIT_FOR_DECISION: Record<DecisionKind, number> = {
  advanced: 0,
  completed: 0,
  held: 3,
  failed: 4,
  'rolled-back': 4,
  reduced: 4,
};

export function decide(args: {
  plan: Plan;
  state: RolloutState;
  gate: GateResult;
  applyContingency: boolean;
}): Decision {
  const { plan, state, gate } = args;
  const i = state.phaseIndex;
  const phase = plan.phases[i]!;
  const next = plan.phases[i + 1];

  if (gate.verdict === 'fail') {
    const level = gate.level ?? 'moderate';
    const configured = plan.contingency[level];
    let action: ContingencyAction = configured?.action ?? DEFAULT_CONTINGENCY[level];
    const automatic = configured?.automatic ?? false;
    const prev = plan.phases[i - 1];
    let advice = adviceFor(action, plan, i);
    // Nothing to step back to: the only way down from the first phase is a rollback.
    if (action === 'reduce-traffic' && (!prev || (state.traffic <= (prev?.traffic ?? 0) && i === 0))) {
      action = 'rollback';
      advice = `there is no earlier phase to step back to; ${adviceFor('rollback', plan, i)}`;
    }
    const wants = args.applyContingency || automatic;
    const serve = action === 'adjust-flags' ? configured?.serve : undefined;
    if (action === 'adjust-flags') advice = adjustAdvice(serve, state.served?.variant, wants);
    const adjusts = serve !== undefined && serve !== state.served?.variant;
    const advised = wants && (action === 'reduce-traffic' || action === 'rollback' || adjusts);
    const reasons = gate.criteria.filter((c) => c.verdict === 'fail').map((c) => `${c.name}: ${c.detail}`);
    const contingency: ContingencyDecision = { level, action, advised, applied: false, automatic, advice };
    // blue-green components: switched back at once on any failed gate, whatever the contingency
    const back: Action[] = greenComponents(plan, state).map((c) => ({
      type: 'switch-back',
      component: c.name,
      reason: `the gate of ${phase.name} failed`,
    }));
    if (advised && action === 'rollback')
      return {
        decision: 'rolled-back',
        from: phase.name,
        to: null,
        reasons,
        contingency,
        actions: [...back, { type: 'rollback' }],
      };
    if (advised && action === 'reduce-traffic') {
      return {
        decision: 'reduced',
        from: phase.name,
        to: prev!.name,
        reasons,
        contingency,
        actions: [...back, { type: 'reduce', toPhase: i - 1, traffic: prev!.traffic, audience: prev!.audience }],
      };
    }
    if (advised && adjusts)
      return {
        decision: 'failed',
        from: phase.name,
        to: null,
        reasons,
        contingency,
        actions: [...back, { type: 'serve-variant', variant: serve }],
      };
    return { decision: 'failed', from: phase.name, to: null, reasons, contingency, actions: back };
  }

  if (gate.verdict === 'hold') {
    const reasons = gate.criteria.filter((c) => c.verdict === 'hold').map((c) => `${c.name}: ${c.detail}`);
    return { decision: 'held', from: phase.name, to: next?.name ?? null, reasons, actions: [] };
  }

  if (!next)
    return {
      decision: 'completed',
      from: phase.name,
      to: null,
      reasons: ['every criterion passed on the last phase'],
      actions: [{ type: 'complete' }],
    };
  return {
    decision: 'advanced',
    from: phase.name,
    to: next.name,
    reasons: [
      `every criterion passed; ${phaseServed(plan, phase.name, state.traffic)} → ${phaseServed(plan, next.name, next.traffic)}`,
    ],
    actions: [
      ...switchesEntering(plan, state, next.name).map((c) => ({
        type: 'switch-component' as const,
        component: c.name,
      })),
      { type: 'set-traffic', toPhase: i + 1, traffic: next.traffic, audience: next.audience },
    ],
  };
}

function adjustAdvice(serve: string | undefined, served: string | undefined, asked: boolean): string {
  if (serve === undefined)
    return 'adjust the feature parameters by flag (a person decides which; the plan names no variant to serve: add `serve: VARIANT` under contingency.light); the traffic stays';
  if (serve === served)
    return `the canary already gets the variant "${serve}" and the gate still fails: hold, or step back (\`rollout reduce\`)`;
  const how = asked ? '' : ' (`rollout advance --apply-contingency`)';
  return `serve the variant "${serve}" to the canary instead of "on"${how}; the traffic stays and the phase's soak starts again`;
}

function adviceFor(action: ContingencyAction, plan: Plan, i: number): string {
  const prev = plan.phases[i - 1];
  switch (action) {
    case 'hold':
      return 'hold the traffic where it is and adjust parameters by flag; the gate is checked again on the next run';
    case 'adjust-flags':
      return 'adjust the feature parameters by flag (a person decides which); the traffic stays';
    case 'reduce-traffic':
      return prev
        ? `step back to "${prev.name}" (${phaseServed(plan, prev.name, prev.traffic)}): \`rollout reduce\` or \`rollout advance --apply-contingency\``
        : 'roll back';
    case 'rollback':
      return `run the rollback plan (${plan.rollback.length} steps): \`rollout rollback\` or \`rollout advance --apply-contingency\``;
  }
}
