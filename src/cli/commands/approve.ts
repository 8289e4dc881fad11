/**
 * `rollout approve PLAN [--by NAME] [--phase NAME]`: records an approval for leaving the current phase.
 * The name is claimed (`--by`, else the approver whose identities the runner matches, else ROLLOUT_USER
 * or the OS user); who ran the command is recorded with it. A name the plan binds to identities is
 * refused unless the runner is one of them. An approval is for the phase the operator saw: `--phase`,
 * else the phase (and visit) the state showed when the command started; if the rollout is elsewhere
 * once the lock is held (it moved on meanwhile), the approval is refused rather than counted for a
 * phase nobody approved.
 */
import { RolloutError } from '../../errors.js';
import { phaseCriteria, type PhaseCriteria } from '../../gates/criteria.js';
import { countedApprovers } from '../../gates/approvals.js';
import { describeRunner, matchIdentity, type Runner } from '../../gates/identity.js';
import { journal } from '../../engine/journal.js';
import { assertActive, loadState, withLock } from '../../engine/run.js';
import { currentRecord, recordApproval } from '../../engine/state-ops.js';
import { didYouMean } from '../../plan/suggest.js';
import { currentRunner } from '../identity.js';
import type { GlobalOptions } from '../io.js';
import { actorName } from '../services.js';
import { prepare } from './common.js';

export async function approveCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'approve', { seedOwned: true });
  const { plan } = loaded;
  const runner = currentRunner(process.env, loaded.baseDir);
  const asked = typeof opts['phase'] === 'string' ? opts['phase'] : undefined;
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
    const rec0 = currentRecord(state);
    const target = asked ?? seen.phase;
    const moved =
      target !== phase.name ||
      (asked === undefined &&
        seenRecord !== undefined &&
        (rec0.visits !== seenRecord.visits || rec0.enteredAt !== seenRecord.enteredAt));
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
    const by = claimedName(global.by, c.approvals, runner);
    if (!c.approvals.approvers.includes(by)) {
      const hint = [didYouMean(by, c.approvals.approvers), `approvers: ${c.approvals.approvers.join(', ')}`]
        .filter(Boolean)
        .join('; ');
      throw new RolloutError('usage', `"${by}" is not an approver of phase "${phase.name}"`, { hint });
    }
    const ids = c.approvals.identities[by];
    const identity = ids?.find((id) => matchIdentity(id, runner));
    if (ids && !identity) {
      throw new RolloutError(
        'usage',
        `approval as "${by}" refused: whoever runs this (${describeRunner(runner).join(', ')}) is none of ${by}'s identities (${ids.join(', ')})`,
        {
          hint: `run it as one of them, or have the plan's approvers list your identity under "${by}"`,
        },
      );
    }
    const rec = currentRecord(state);
    const at = new Date(services.clock.now()).toISOString();
    let next = state;
    const already = countedApprovers(phase.name, rec, c.approvals).includes(by);
    const note = opts['note'] as string | undefined;
    if (!already) {
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
      await services.store.save(next);
      await journal(
        services,
        'approval.recorded',
        { by, note: note ?? null, visit: rec.visits, runner, identity: identity ?? null },
        state.phase,
      );
    }
    const given = countedApprovers(phase.name, currentRecord(next), c.approvals);
    if (global.json)
      io.json({
        plan: plan.name,
        phase: state.phase,
        by,
        recorded: !already,
        approvals: given,
        required: c.approvals.required,
        runner,
        identity: identity ?? null,
      });
    else
      io.out(
        `${already ? `${by} had already approved` : `approval by ${by} recorded`} for leaving "${state.phase}": ${given.length}/${c.approvals.required} (${given.join(', ')})`,
      );
    return 0;
  });
}

/** `--by`, else the one approver whose identities the runner matches, else ROLLOUT_USER or the OS user. */
function claimedName(by: string | undefined, c: PhaseCriteria['approvals'], runner: Runner): string {
  const given = by?.trim();
  if (given) return given;
  const mine = c.approvers.filter((name) => c.identities[name]?.some((id) => matchIdentity(id, runner)));
  if (mine.length === 1) return mine[0]!;
  return actorName(undefined);
}
