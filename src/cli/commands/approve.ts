import { RolloutError } from '../../errors.js';
import { phaseCriteria } from '../../gates/criteria.js';
import { journal } from '../../engine/journal.js';
import { assertActive, loadState, withLock } from '../../engine/run.js';
import { currentRecord, recordApproval } from '../../engine/state-ops.js';
import { didYouMean } from '../../plan/suggest.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export async function approveCommand(planFile: string | undefined, opts: Record<string, unknown>, global: GlobalOptions): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'approve');
  const { plan } = loaded;
  const by = String(global.by ?? '').trim();
  if (!by) throw new RolloutError('usage', 'say who approves: `rollout approve PLAN --by NAME`');
  return withLock(services, async () => {
    const state = await loadState(plan, services);
    if (state.status === 'completed' || state.status === 'rolled-back') throw new RolloutError('usage', `the rollout is ${state.status}; there is no phase to approve`);
    assertActive(state); // rolling back: approvals given now would count after it

    const phase = plan.phases[state.phaseIndex]!;
    const c = phaseCriteria(plan, phase);
    if (c.approvals.required === 0) throw new RolloutError('usage', `phase "${phase.name}" needs no approval`);
    if (!c.approvals.approvers.includes(by)) {
      const hint = [didYouMean(by, c.approvals.approvers), `approvers: ${c.approvals.approvers.join(', ')}`].filter(Boolean).join('; ');
      throw new RolloutError('usage', `"${by}" is not an approver of phase "${phase.name}"`, { hint });
    }
    const rec = currentRecord(state);
    const at = new Date(services.clock.now()).toISOString();
    let next = state;
    const already = rec.approvals.some((a) => a.by === by);
    if (!already) {
      next = recordApproval(state, { by, at, note: opts['note'] as string | undefined }, at);
      await services.store.save(next);
      await journal(services, 'approval.recorded', { by, note: opts['note'] ?? null }, state.phase);
    }
    const given = [...new Set(currentRecord(next).approvals.map((a) => a.by))];
    if (global.json) io.json({ plan: plan.name, phase: state.phase, by, recorded: !already, approvals: given, required: c.approvals.required });
    else io.out(`${already ? `${by} had already approved` : `approval by ${by} recorded`} for leaving "${state.phase}": ${given.length}/${c.approvals.required} (${given.join(', ')})`);
    return 0;
  });
}
