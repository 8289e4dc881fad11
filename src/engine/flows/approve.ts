/**
 * `rollout approve`: records an approval for leaving the current phase. read (what the operator saw,
 * then again under the lock) → decide (the phase, the approver, the identity) → commit.
 *
 * An approval is for the phase the operator saw: `phase`, else the phase (and visit) the state showed
 * when the command started; if the rollout is elsewhere once the lock is held (it moved on meanwhile),
 * the approval is refused rather than counted for a phase nobody approved. A name the plan binds to
 * identities is refused unless the runner is one of them.
 */
import { RolloutError } from '../../errors.js';
import { countedApprovers } from '../../gates/approvals.js';
import { phaseCriteria, type PhaseCriteria } from '../../gates/criteria.js';
import { describeRunner, matchIdentity, type Runner } from '../../gates/identity.js';
import type { Plan } from '../../plan/schema.js';
import { didYouMean } from '../../plan/suggest.js';
import { commit } from '../commit.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';
import { assertActive, currentRecord, recordApproval } from '../state-ops.js';

export interface ApproveArgs {
  /** the phase the operator approves (--phase); else the one the state shows now */
  phase?: string | undefined;
  /** the name claimed with --by */
  by?: string | undefined;
  /** the name used when none is claimed and no approver's identity matches (ROLLOUT_USER, the OS user) */
  fallbackName: string;
  runner: Runner;
  note?: string | undefined;
}

export interface ApproveOutcome {
  phase: string;
  by: string;
  recorded: boolean;
  approvals: string[];
  required: number;
  identity: string | undefined;
}

export async function approve(plan: Plan, services: Services, args: ApproveArgs): Promise<ApproveOutcome> {
  const asked = args.phase;
  if (asked !== undefined && !plan.phases.some((p) => p.name === asked)) {
    const names = plan.phases.map((p) => p.name);
    throw new RolloutError('usage', `the plan has no phase "${asked}"`, {
      hint: [didYouMean(asked, names), `phases: ${names.join(', ')}`].filter(Boolean).join('; '),
    });
  }
  // what the operator saw: the lock may be held by a run that moves the rollout on meanwhile
  const seen = await loadState(plan, services);
  // a rollout with no state yet has no visit to compare (its first record is made up anew each time)
  const seenRecord = (await services.store.load()) ? currentRecord(seen) : undefined;
  return withLock(services, async () => {
    const state = await loadState(plan, services);
    if (state.status === 'completed' || state.status === 'rolled-back')
      throw new RolloutError('usage', `the rollout is ${state.status}; there is no phase to approve`);
    assertActive(state); // rolling back: approvals given now would count after it

    const phase = plan.phases[state.phaseIndex]!;
    const rec = currentRecord(state);
    const target = asked ?? seen.phase;
    const moved =
      target !== phase.name ||
      (asked === undefined &&
        seenRecord !== undefined &&
        (rec.visits !== seenRecord.visits || rec.enteredAt !== seenRecord.enteredAt));
    if (moved) {
      throw new RolloutError(
        'usage',
        `the approval for leaving "${target}" was not recorded: the rollout is in phase "${phase.name}" now`,
        {
          hint: `approvals count only for the phase (and visit) they were given in; look at \`rollout status\` and approve "${phase.name}" if you mean to`,
        },
      );
    }
    const c = phaseCriteria(plan, phase);
    if (c.approvals.required === 0) throw new RolloutError('usage', `phase "${phase.name}" needs no approval`);
    const { by, identity } = approverOf(args, c.approvals, phase.name);
    const at = new Date(services.clock.now()).toISOString();
    let next = state;
    const already = countedApprovers(phase.name, rec, c.approvals).includes(by);
    if (!already) {
      const { runner, note } = args;
      next = recordApproval(
        state,
        {
          by,
          at,
          note,
          phase: phase.name,
          visit: rec.visits,
          enteredAt: rec.enteredAt,
          runner,
          ...(identity ? { identity } : {}),
        },
        at,
      );
      await commit({
        plan,
        services,
        state: next,
        event: {
          type: 'approval.recorded',
          phase: state.phase,
          data: { by, note: note ?? null, visit: rec.visits, runner, identity: identity ?? null },
        },
      });
    }
    const approvals = countedApprovers(phase.name, currentRecord(next), c.approvals);
    return { phase: state.phase, by, recorded: !already, approvals, required: c.approvals.required, identity };
  });
}

/** The approver: claimed, or found from the runner's identity; refused when not one of the phase's. */
function approverOf(
  args: ApproveArgs,
  c: PhaseCriteria['approvals'],
  phase: string,
): { by: string; identity: string | undefined } {
  const by = claimedName(args, c);
  if (!c.approvers.includes(by)) {
    const hint = [didYouMean(by, c.approvers), `approvers: ${c.approvers.join(', ')}`].filter(Boolean).join('; ');
    throw new RolloutError('usage', `"${by}" is not an approver of phase "${phase}"`, { hint });
  }
  const ids = c.identities[by];
  const identity = ids?.find((id) => matchIdentity(id, args.runner));
  if (ids && !identity) {
    throw new RolloutError(
      'usage',
      `approval as "${by}" refused: whoever runs this (${describeRunner(args.runner).join(', ')}) is none of ${by}'s identities (${ids.join(', ')})`,
      { hint: `run it as one of them, or have the plan's approvers list your identity under "${by}"` },
    );
  }
  return { by, identity };
}

/** `--by`, else the one approver whose identities the runner matches, else ROLLOUT_USER or the OS user. */
function claimedName(args: ApproveArgs, c: PhaseCriteria['approvals']): string {
  const given = args.by?.trim();
  if (given) return given;
  const mine = c.approvers.filter((name) => c.identities[name]?.some((id) => matchIdentity(id, args.runner)));
  if (mine.length === 1) return mine[0]!;
  return args.fallbackName;
}
