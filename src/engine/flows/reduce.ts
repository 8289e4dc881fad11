/** `rollout reduce`: back to the previous phase's traffic, by hand. read → decide → execute → commit. */
import { RolloutError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';
import type { RolloutState } from '../../state/types.js';
import { AfterEffects } from '../after-effects.js';
import { commit } from '../commit.js';
import { execute } from '../execute.js';
import type { FlagChange } from '../flag-change.js';
import type { Services } from '../services.js';
import { loadState, reducedBefore, withLock } from '../session.js';
import { assertActive } from '../state-ops.js';
import { phaseServed } from '../../reports/served.js';

export interface Reduced {
  before: RolloutState;
  state: RolloutState;
  flag: FlagChange;
  to: string;
  reports: string[];
  warnings: string[];
}

export async function reduce(plan: Plan, services: Services, reason: string): Promise<Reduced> {
  return withLock(services, async () => {
    // read
    const before = await loadState(plan, services);
    assertActive(before);
    // decide: a reduce a crashed run started, which landed, is this one: completed, never applied twice
    const landed = reducedBefore(services);
    if (landed) return completeInterrupted(plan, services, before, landed, reason);
    const i = before.phaseIndex;
    if (i === 0)
      throw new RolloutError(
        'usage',
        `"${before.phase}" is the first phase; there is no earlier traffic to go back to`,
        { hint: 'use `rollout rollback` to turn the feature off' },
      );
    const prev = plan.phases[i - 1]!;
    // execute
    const at = new Date(services.clock.now()).toISOString();
    const after = new AfterEffects(services);
    const done = await execute([{ type: 'reduce', toPhase: i - 1, traffic: prev.traffic, audience: prev.audience }], {
      plan,
      services,
      state: before,
      at,
      after,
      reasons: { reduce: () => `reduce: ${reason}`, rollback: reason },
    });
    const flag: FlagChange = done.flag ?? {
      before: { enabled: true, traffic: before.traffic },
      after: { enabled: prev.traffic > 0, traffic: prev.traffic },
    };
    // commit
    const reports = await commitReduced(plan, services, after, done.state, {
      from: before.phase,
      to: prev.name,
      traffic: prev.traffic,
      lines: [reason],
      data: { reason },
    });
    return { before, state: done.state, flag, to: prev.name, reports, warnings: after.warnings };
  });
}

/** Journals, notifies and reports a reduce whose flag change landed in a run that then died. */
async function completeInterrupted(
  plan: Plan,
  services: Services,
  state: RolloutState,
  landed: { from: string; to: string; at: string },
  reason: string,
): Promise<Reduced> {
  const after = new AfterEffects(services);
  const note = `the reduce a previous run started at ${landed.at} had landed (${landed.from} → ${landed.to}); it is recorded, and nothing is reduced a second time`;
  after.warn(note);
  const reports = await commitReduced(plan, services, after, state, {
    from: landed.from,
    to: landed.to,
    traffic: state.traffic,
    lines: [reason, note],
    data: { reason, interrupted: true },
  });
  const served = { enabled: state.traffic > 0, traffic: state.traffic };
  return {
    before: state,
    state,
    flag: { before: served, after: served },
    to: landed.to,
    reports,
    warnings: after.warnings,
  };
}

/** commit: the reduce journaled, notified and reported in the phase it left. */
async function commitReduced(
  plan: Plan,
  services: Services,
  after: AfterEffects,
  state: RolloutState,
  r: { from: string; to: string; traffic: number; lines: string[]; data: { reason: string; interrupted?: boolean } },
): Promise<string[]> {
  const { reports } = await commit({
    plan,
    services,
    after,
    state,
    event: { type: 'rollout.reduced', phase: r.from, data: { from: r.from, to: r.to, traffic: r.traffic, ...r.data } },
    notification: {
      kind: 'reduced',
      phase: r.from,
      to: r.to,
      summary: `${plan.name}: reduced from ${r.from} to ${r.to} (${phaseServed(plan, r.to, r.traffic)})`,
      lines: r.lines,
    },
    reportPhases: [r.from],
  });
  return reports;
}
