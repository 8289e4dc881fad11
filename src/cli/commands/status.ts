import { formatDuration } from '../../plan/duration.js';
import { evaluate } from '../../engine/flows/evaluate.js';
import { loadState } from '../../engine/session.js';
import { interruptedEffects } from '../../engine/session.js';
import { currentRecord } from '../../engine/state-ops.js';
import type { GlobalOptions } from '../io.js';
import { criterionJson, renderCriteria, renderTable, termWidth } from '../render.js';
import { compareServed } from '../flag-served.js';
import { componentStatus, componentStatusLine } from '../component-lines.js';
import { clockLabel, prepare } from './common.js';
import { timeline } from '../../gates/timeline.js';
import { scheduleView } from '../../gates/schedule-view.js';
import { renderSchedule } from '../schedule-render.js';
import { phaseServed } from '../../reports/served.js';
import { ofAllUsers } from '../../plan/of-all.js';
import { countdown } from '../../reports/countdown.js';
import { renderSparklines } from '../render-sparklines.js';

export async function statusCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  if (opts['all']) return (await import('./status-all.js')).statusAllCommand(planFile, global);
  const { io, loaded, services } = await prepare(planFile, global, 'status');
  const { plan } = loaded;
  const state = await loadState(plan, services);
  const now = services.clock.now();
  const active = state.status !== 'completed' && state.status !== 'rolled-back' && state.status !== 'rolling-back';
  const ev = active ? await evaluate(plan, services) : undefined;
  const rec = currentRecord(state);
  // a clock earlier than the phase's entry is warned about (loadState); a time in phase is never negative
  const inPhase = state.status === 'not-started' ? 0 : Math.max(0, now - Date.parse(rec.enteredAt));
  const tl = timeline(plan, state, now);
  const schedule = plan.schedule ? scheduleView(plan, state, tl.rows, now) : undefined;
  // What the flag provider serves now, against what the state recorded: a hand edit or a crashed
  // run shows up here.
  let flag:
    | {
        enabled: boolean;
        traffic: number;
        audience?: string | undefined;
        variant?: string | undefined;
        note?: string | undefined;
      }
    | { error: string };
  let problems: string[] = [];
  try {
    const f = await (await services.providers.flags()).read({ flag: plan.flag.key });
    flag = {
      enabled: f.enabled,
      traffic: f.traffic,
      audience: f.audience,
      variant: f.variant,
      note: typeof f.detail?.['note'] === 'string' ? f.detail['note'] : undefined,
    };
    problems = compareServed({ plan, state, flag: f });
  } catch (e) {
    flag = { error: (e as Error).message };
  }
  const mismatch = problems.length > 0;
  // the full rollout's validation soak: the state stays in-progress (the contract's statuses), this says why
  const cur = plan.phases[state.phaseIndex];
  const soak = ev?.gate.criteria.find((c) => c.name === 'validation');
  const validation =
    active && cur?.validate && state.status !== 'not-started' && soak
      ? { phase: cur.name, window: cur.validate, until: soak.eligibleAt ?? null, verdict: soak.verdict }
      : null;
  const eligibleAt = ev?.gate.eligibleAt;
  const untilEligible = eligibleAt ? Math.max(0, Date.parse(eligibleAt) - now) : 0;
  const cd = ev ? countdown(ev.gate, now) : undefined;
  if (global.json) {
    io.json({
      plan: plan.name,
      state: state.status,
      phase: state.phase,
      phaseIndex: state.phaseIndex,
      traffic: state.traffic,
      // for `of: all`: the share of all users that traffic (a share of the audience) stands for
      trafficOfAllUsers: ofAllUsers(plan, cur, state.traffic) ?? null,
      enteredAt: state.status === 'not-started' ? null : rec.enteredAt,
      timeInPhaseMs: inPhase,
      eligibleAt: eligibleAt ?? null,
      untilEligibleMs: untilEligible,
      countdown: cd?.text ?? null,
      verdict: ev?.gate.verdict ?? null,
      decision: ev?.decision.decision ?? null,
      criteria: ev?.gate.criteria.map(criterionJson) ?? [],
      reported: ev?.gate.reported.map(criterionJson) ?? [],
      flag,
      served: state.served ?? null,
      flagMatchesState: !mismatch,
      flagMismatch: problems,
      interrupted: interruptedEffects(services),
      rollback: state.rollback ?? null,
      validation,
      components: componentStatus(plan, state),
      timeline: tl.rows,
      earliestCompletion: tl.earliestCompletion,
      schedule: schedule ?? null,
      at: new Date(now).toISOString(),
      clock: clockLabel(services),
    });
    return 0;
  }
  const s = io.style;
  io.out(`${s.bold(plan.title ?? plan.name)} (${plan.name})`);
  io.out(
    `state ${s.bold(state.status)} · phase ${s.bold(state.phase)} (${state.phaseIndex + 1}/${plan.phases.length}) · traffic ${s.bold(phaseServed(plan, state.phase, state.traffic))} · in phase ${formatDuration(inPhase)}` +
      (active
        ? ` · eligible ${untilEligible > 0 ? `in ${formatDuration(untilEligible)} (${eligibleAt})` : 'now'}`
        : ''),
  );
  if (validation)
    io.out(
      validation.verdict === 'pass'
        ? `validating the full rollout: the ${validation.window} soak is done; \`rollout advance\` completes it when the gate passes`
        : `validating the full rollout: ${validation.window} soak until ${validation.until}; it completes only after that`,
    );
  if (cd) io.out(cd.text);
  for (const c of componentStatus(plan, state)) io.out(componentStatusLine(c));
  if ('error' in flag) io.log.warn(`cannot read the flag ${plan.flag.key}: ${flag.error}`);
  else
    io.out(
      `flag ${plan.flag.key} serves ${Number.isNaN(flag.traffic) ? 'an unknown share' : `${flag.traffic}%`}${flag.audience ? ` of ${flag.audience}` : ''}${flag.variant ? ` the variant ${flag.variant}` : ''}${flag.enabled ? '' : ' (off)'}`,
    );
  if (state.served)
    io.out(
      `the canary gets the variant ${state.served.variant} ${JSON.stringify(state.served.value ?? null)} since ${state.served.at} (light contingency); the soak counts from then`,
    );
  if (mismatch) io.log.warn(`${problems.join('; ')}: someone changed the flag by hand, or a run stopped half-way`);
  if (state.status === 'rolling-back') {
    const steps = state.rollback?.steps ?? [];
    io.log.warn(
      `rolling back since ${state.rollback?.startedAt ?? '?'}: ${steps.filter((x) => x.status === 'done').length}/${plan.rollback.length} steps done${
        steps.some((x) => x.status === 'failed')
          ? `, failed: ${steps
              .filter((x) => x.status === 'failed')
              .map((x) => x.component)
              .join(', ')}`
          : ''
      }; it does not advance: finish it with \`rollout rollback\`, or decide with \`rollout resume --yes\` or \`rollout reset --yes\``,
    );
  }
  if (ev)
    io.out(
      '\n' +
        renderCriteria(ev.gate.criteria, s, termWidth()) +
        `\n\n${renderSparklines(plan, ev.observations, s, termWidth())}` +
        `\n\nadvance now would decide: ${s.bold(ev.decision.decision)}`,
    );
  io.out(`\n${renderTimeline(tl, io.style)}`);
  if (schedule) io.out(`\n${renderSchedule(schedule)}`);
  return 0;
}

export function renderTimeline(tl: ReturnType<typeof timeline>, style: Parameters<typeof renderTable>[2]): string {
  return (
    renderTable(
      ['phase', 'traffic', 'lasts at least', 'status', 'when'],
      tl.rows.map((r) => [
        r.phase,
        `${r.traffic}%${r.audience ? ` of ${r.audience}` : ''}`,
        holdText(r),
        r.status,
        r.status === 'done'
          ? `${r.enteredAt ?? '-'} → ${r.leftAt ?? '-'}`
          : r.status === 'cancelled'
            ? 'not reached (rolled back)'
            : r.status === 'current'
              ? `entered ${r.enteredAt ?? '(not yet)'}; can be left from ${r.eligibleAt}`
              : `earliest ${r.earliestEntry}`,
      ]),
      style,
    ) +
    `\n\n${tl.earliestCompletion ? `earliest completion: ${tl.earliestCompletion}` : 'rolled back: the rollout will not complete'}`
  );
}

/** The soak time, or the sloWindow at the phase's traffic when that is longer. */
function holdText(r: ReturnType<typeof timeline>['rows'][number]): string {
  return r.holdWindow ? `${r.holdWindow} (SLO window)` : (r.minDuration ?? '-');
}
