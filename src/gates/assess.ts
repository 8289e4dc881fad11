/**
 * Assesses a phase's gate from data: each criterion's verdict, then the gate's. Pure: the clock,
 * the state and the observations are arguments. A failed criterion fails the gate even while others
 * hold, so a breach is never hidden behind a soak time.
 */
import { formatDuration } from '../plan/duration.js';
import { answerOf, checklistId } from '../plan/checklist-id.js';
import type { ContingencyLevel, Plan } from '../plan/schema.js';
import { SEVERITIES, type Severity } from '../providers/types.js';
import type { PhaseRecord } from '../state/types.js';
import { phaseCriteria, soakStartMs } from './criteria.js';
import { countedApprovers } from './approvals.js';
import { evaluateMetric } from './evaluate-metric.js';
import type { Criterion, GateResult, Observations } from './types.js';
import { judgeComparisons } from './judge-comparisons.js';
import type { JudgeGate } from './comparisons.js';
import type { PhaseStatsMemory } from './comparison-types.js';

const LEVEL_ORDER: ContingencyLevel[] = ['light', 'moderate', 'severe'];
const NO_COMPARISON = 'canary-vs-control comparison is not available in this version of rollout';

export function worstLevel(levels: (ContingencyLevel | undefined)[]): ContingencyLevel | undefined {
  let worst: ContingencyLevel | undefined;
  for (const l of levels) if (l && (!worst || LEVEL_ORDER.indexOf(l) > LEVEL_ORDER.indexOf(worst))) worst = l;
  return worst;
}

export function atOrWorse(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

export function assessGate(args: {
  plan: Plan;
  phaseIndex: number;
  record: PhaseRecord | undefined;
  observations: Observations;
  now: number;
  paused?: boolean;
  /** the statistics engine (src/stats), loaded by the caller only when the plan has comparisons */
  judge?: JudgeGate | undefined;
  /** what the comparisons remembered at the previous check of this phase */
  stats?: PhaseStatsMemory | undefined;
}): GateResult {
  const { plan, record, observations, now } = args;
  const phase = plan.phases[args.phaseIndex]!;
  const c = phaseCriteria(plan, phase);
  const criteria: Criterion[] = [];
  const reported: Criterion[] = [];

  if (args.paused)
    criteria.push({
      name: 'paused',
      kind: 'paused',
      verdict: 'hold',
      detail: 'the rollout is paused; `rollout resume` lets it advance',
    });

  // Checklist
  if (phase.checklist.length > 0) {
    const answers = record?.checklist ?? {};
    const items = phase.checklist.map((it, i) => ({
      id: checklistId(it, i),
      text: typeof it === 'string' ? it : it.text,
      answer: answerOf(answers, it, i),
    }));
    const done = items.filter((it) => it.answer?.status === 'done' || it.answer?.status === 'skipped');
    const failed = items.filter((it) => it.answer?.status === 'failed');
    const missing = items.filter((it) => !it.answer);
    criteria.push({
      name: 'checklist',
      kind: 'checklist',
      verdict: done.length === items.length ? 'pass' : 'hold',
      detail:
        done.length === items.length
          ? `${items.length}/${items.length} items answered`
          : `${done.length}/${items.length} items answered` +
            (failed.length ? `; failed: ${failed.map((f) => f.text).join(', ')}` : '') +
            (missing.length ? `; open: ${missing.map((m) => m.text).join(', ')}` : '') +
            '; run `rollout checklist`',
    });
  }

  // Soak time
  if (c.minDurationMs > 0) {
    // a light contingency's adjustment restarts the soak
    const entered = record ? soakStartMs(record) : now;
    const since = record?.served ? `since the flag served ${record.served.variant}` : 'in phase';
    const eligible = entered + c.minDurationMs;
    const ok = now >= eligible;
    criteria.push({
      name: 'minDuration',
      kind: 'minDuration',
      verdict: ok ? 'pass' : 'hold',
      eligibleAt: new Date(eligible).toISOString(),
      detail: ok
        ? `${formatDuration(now - entered)} ${since} ≥ ${phase.minDuration}`
        : `${formatDuration(now - entered)} of ${phase.minDuration} ${since}; eligible at ${new Date(eligible).toISOString()} (in ${formatDuration(eligible - now)})`,
    });
  }

  // The full rollout's validation soak: completed only once it has elapsed (and its SLOs held over it)
  if (c.validateMs > 0) {
    const entered = record ? Date.parse(record.enteredAt) : now;
    const eligible = entered + c.validateMs;
    const ok = now >= eligible;
    criteria.push({
      name: 'validation',
      kind: 'minDuration',
      verdict: ok ? 'pass' : 'hold',
      eligibleAt: new Date(eligible).toISOString(),
      detail: ok
        ? `validation soak of ${phase.validate} done (${formatDuration(now - entered)} at ${phase.traffic}%)`
        : `validating the full rollout: ${formatDuration(now - entered)} of ${phase.validate}; completes at ${new Date(eligible).toISOString()} at the earliest (in ${formatDuration(eligible - now)})`,
    });
  }

  // Metrics
  for (const m of plan.metrics) {
    if (m.kind !== 'value' && (m.compare !== undefined || m.slo !== undefined)) continue; // judged on counts below
    const criterion = evaluateMetric({
      metric: m,
      observation: observations.metrics[m.name],
      windowLabel: c.sloWindow,
    });
    if (m.compare !== undefined && m.slo === undefined) {
      // Canary-vs-control comparisons are judged by the statistics engine (contract §4), which this
      // build does not include yet: never a pass.
      criteria.push({
        name: m.name,
        kind: 'metric',
        verdict: 'hold',
        detail: `${NO_COMPARISON}; the metric cannot pass`,
      });
    } else if (m.compare !== undefined) {
      // The SLO is judged (a breach fails at once); the comparison is never dropped: it holds.
      criteria.push(
        criterion.verdict === 'fail'
          ? criterion
          : {
              ...criterion,
              verdict: 'hold',
              detail: `${criterion.detail}; ${NO_COMPARISON}, so the metric cannot pass`,
            },
      );
    } else if (m.slo !== undefined) criteria.push(criterion);
    else reported.push(criterion);
  }

  // Canary against control, on counts since the phase was entered
  const compared = judgeComparisons({ plan, phase, observations, judge: args.judge, prior: args.stats });
  criteria.push(...compared.criteria);

  // Incidents
  if (c.noOpenIncidents) {
    const threshold = c.noOpenIncidents;
    const obs = observations.incidents;
    if (!obs || obs.error !== undefined || !obs.list) {
      criteria.push({
        name: 'incidents',
        kind: 'incidents',
        verdict: 'hold',
        detail: `cannot tell whether incidents are open: ${obs?.error ?? 'not checked'}`,
      });
    } else {
      const open = obs.list.filter((i) => atOrWorse(i.severity, threshold));
      criteria.push(
        open.length > 0
          ? {
              name: 'incidents',
              kind: 'incidents',
              verdict: 'fail',
              level: 'severe',
              detail: `${open.length} open incident(s) at ${threshold} or worse: ${open.map((i) => `${i.id} (${i.severity}) ${i.title}`).join('; ')}`,
            }
          : {
              name: 'incidents',
              kind: 'incidents',
              verdict: 'pass',
              detail: `no open incident at ${threshold} or worse (${obs.list.length} milder open)`,
            },
      );
    }
  }

  // Approvals
  if (c.approvals.required > 0) {
    // Only the current committee counts, for this phase's visit (./approvals.ts).
    const distinct = countedApprovers(phase.name, record, c.approvals);
    const ok = distinct.length >= c.approvals.required;
    criteria.push({
      name: 'approvals',
      kind: 'approvals',
      verdict: ok ? 'pass' : 'hold',
      detail:
        `${distinct.length}/${c.approvals.required} approvals` +
        (distinct.length ? ` (${distinct.join(', ')})` : '') +
        (ok ? '' : `; any of ${c.approvals.approvers.join(', ')} can run \`rollout approve --by NAME\``),
    });
  }

  const failed = criteria.filter((x) => x.verdict === 'fail');
  const verdict = failed.length > 0 ? 'fail' : criteria.some((x) => x.verdict === 'hold') ? 'hold' : 'pass';
  const times = criteria.map((x) => x.eligibleAt).filter((x): x is string => x !== undefined);
  return {
    verdict,
    criteria,
    reported,
    level: worstLevel(failed.map((f) => f.level)),
    eligibleAt: times.sort().at(-1),
    statsMemory: compared.memory,
  };
}
