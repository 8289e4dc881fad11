/**
 * Which recorded approvals count for leaving a phase. An approval is bound to the phase and the visit
 * it was given in (a reduce re-enters a phase: a new visit, approvals start over), its approver must
 * still be on the committee, and an approver the plan binds to identities counts only with an approval
 * given by one of them. Approvals recorded before these fields existed count as they always did.
 */
import type { Approval, PhaseRecord } from '../state/types.js';
import type { PhaseCriteria } from './criteria.js';

export function approvalCounts(
  a: Approval,
  phase: string,
  record: PhaseRecord | undefined,
  c: PhaseCriteria['approvals'],
): boolean {
  if (a.phase !== undefined && a.phase !== phase) return false;
  if (a.visit !== undefined && record !== undefined && a.visit !== record.visits) return false;
  if (a.enteredAt !== undefined && record !== undefined && a.enteredAt !== record.enteredAt) return false;
  if (c.approvers.length > 0 && !c.approvers.includes(a.by)) return false;
  const ids = c.identities[a.by];
  return ids === undefined || (a.identity !== undefined && ids.includes(a.identity));
}

/** The distinct approvers whose approval counts, in the order they were given. */
export function countedApprovers(
  phase: string,
  record: PhaseRecord | undefined,
  c: PhaseCriteria['approvals'],
): string[] {
  return [...new Set((record?.approvals ?? []).filter((a) => approvalCounts(a, phase, record, c)).map((a) => a.by))];
}
