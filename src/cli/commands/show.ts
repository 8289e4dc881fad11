import { gatingMetrics, phaseCriteria } from '../../gates/criteria.js';
import { formatDuration, parseEstimate } from '../../plan/duration.js';
import { loadState } from '../../engine/session.js';
import type { GlobalOptions } from '../io.js';
import { renderTable } from '../render.js';
import { clockLabel, prepare } from './common.js';
import { renderTimeline } from './status.js';
import { timeline } from '../../gates/timeline.js';
import { scheduleView } from '../../gates/schedule-view.js';
import { renderSchedule } from '../schedule-render.js';
import { phaseServed } from '../../reports/served.js';

export async function showCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'show');
  const { plan } = loaded;
  const state = await loadState(plan, services);
  const now = services.clock.now();
  const tl = timeline(plan, state, now);
  const schedule = plan.schedule ? scheduleView(plan, state, tl.rows, now) : undefined;
  const phases = plan.phases.map((p) => {
    const c = phaseCriteria(plan, p);
    return {
      name: p.name,
      traffic: p.traffic,
      audience: p.audience ?? null,
      minDuration: p.minDuration ?? null,
      validate: p.validate ?? null,
      checklist: p.checklist.length,
      documents: p.documents,
      gate: {
        sloWindow: c.sloWindow,
        cohort: c.cohort,
        noOpenIncidents: c.noOpenIncidents ?? null,
        approvals: c.approvals,
        metrics: gatingMetrics(plan).map((m) => m.name),
        windowSince: p.traffic === 0 ? 'baseline' : 'phase-entered',
      },
    };
  });
  if (global.json) {
    io.json({
      plan: plan.name,
      title: plan.title ?? null,
      state: state.status,
      phase: state.phase,
      traffic: state.traffic,
      phases,
      metrics: plan.metrics,
      contingency: plan.contingency,
      rollback: plan.rollback,
      timeline: tl.rows,
      earliestCompletion: tl.earliestCompletion,
      schedule: schedule ?? null,
      at: new Date(now).toISOString(),
      clock: clockLabel(services),
    });
    return 0;
  }
  const s = io.style;
  io.out(
    `${s.bold(plan.title ?? plan.name)} (${plan.name}) · ${plan.strategy} · flag ${plan.flag.key} · owner ${plan.owner ?? '-'}\n`,
  );
  io.out(
    renderTable(
      ['phase', 'traffic', 'soak', 'checklist', 'gate to leave'],
      phases.map((p) => [
        p.name,
        phaseServed(plan, p.name, p.traffic),
        p.minDuration ?? '-',
        p.checklist ? `${p.checklist} items` : '-',
        [
          p.gate.windowSince === 'baseline'
            ? `SLOs over the last ${p.gate.sloWindow} (baseline)`
            : `SLOs over ${p.gate.sloWindow} at this traffic (${p.gate.cohort})`,
          p.gate.noOpenIncidents ? `no ${p.gate.noOpenIncidents} incident` : '',
          p.gate.approvals.required ? `${p.gate.approvals.required} approval(s)` : '',
          p.validate ? `validation soak ${p.validate}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      ]),
      s,
    ),
  );
  io.out(
    '\n' +
      renderTable(
        ['metric', 'SLO', 'severe', 'on breach'],
        plan.metrics.map((m) => [
          m.name,
          m.slo
            ? [m.slo.above !== undefined ? `> ${m.slo.above}` : '', m.slo.below !== undefined ? `< ${m.slo.below}` : '']
                .filter(Boolean)
                .join(' and ') + (m.unit ? ` ${m.unit}` : '')
            : 'reported only',
          m.severe
            ? [
                m.severe.above !== undefined ? `> ${m.severe.above}` : '',
                m.severe.below !== undefined ? `< ${m.severe.below}` : '',
              ]
                .filter(Boolean)
                .join(' and ') + (m.unit ? ` ${m.unit}` : '')
            : '-',
          m.slo ? m.onBreach : '-',
        ]),
        s,
      ),
  );
  io.out(
    '\ncontingency: ' +
      (['light', 'moderate', 'severe'] as const)
        .map((l) => `${l} → ${plan.contingency[l]?.action ?? 'default'}`)
        .join(', '),
  );
  io.out(
    '\n' +
      renderTable(
        ['#', 'rollback step', 'how', 'estimate'],
        plan.rollback.map((r, i) => [
          String(i + 1),
          `${r.component}: ${r.procedure}`,
          r.action === 'flag' ? 'flag off' : r.run ? `run ${r.run.trim()}` : 'manual',
          r.estimate ?? '-',
        ]),
        s,
      ),
  );
  const est = plan.rollback.map((r) => (r.estimate ? parseEstimate(r.estimate) : undefined));
  const total = est.reduce<{ min: number; max: number }>(
    (a, e) => ({ min: a.min + (e?.min ?? 0), max: a.max + (e?.max ?? 0) }),
    { min: 0, max: 0 },
  );
  if (plan.rollback.length)
    io.out(
      `rollback estimate: ${formatDuration(total.min)}${total.max > total.min ? ` to ${formatDuration(total.max)}` : ''}${est.some((e) => !e) ? ' (some steps have no estimate)' : ''}`,
    );
  io.out(`\n${renderTimeline(tl, s)}`);
  if (schedule) io.out(`\n${renderSchedule(schedule)}`);
  return 0;
}
