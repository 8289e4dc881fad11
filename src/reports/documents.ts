/**
 * The document sections a phase must produce (rollout-plan, test-cases, initial-metrics,
 * comparative-analysis, final-report, lessons-learned): filled from data where data exists, and
 * marked clearly where only people can write them. Pure.
 */
import { formatDuration } from '../plan/duration.js';
import type { DocumentKind, Plan } from '../plan/schema.js';
import type { Criterion } from '../gates/types.js';
import { phaseCriteria } from '../gates/criteria.js';
import { countOf, type JournalDigest } from '../state/journal-digest.js';
import type { RolloutState } from '../state/types.js';
import { comparisonBlocks } from './comparison-section.js';
import { formatValue as fmt } from './format.js';
import type { DocumentSection, PhaseReport } from './model.js';

import { bound, lastGate, lastGateDecision } from './documents-parts.js';
import { buildLiving, isLiving } from './living-sections.js';
import { servedText } from './served.js';

const TITLES: Record<DocumentKind, string> = {
  'rollout-plan': 'Rollout plan',
  'test-cases': 'Test cases',
  'initial-metrics': 'Initial metrics report',
  'comparative-analysis': 'Comparative analysis',
  'final-report': 'Final report',
  'lessons-learned': 'Lessons learned',
  'issue-log': 'Issue log',
  'user-feedback': 'User feedback',
  'communication-plan': 'Communication plan',
};

/** Gating metrics with their verdict; reported-only metrics (no SLO) are `reported`, never `pass`. */
function metricRows(gating: Criterion[], reported: Criterion[]): string[][] {
  const row = (c: Criterion, verdict: string) => [
    c.name,
    c.metric?.cohort ?? '',
    fmt(c.metric?.worst?.value, c.metric?.unit),
    fmt(c.metric?.mean, c.metric?.unit),
    fmt(c.metric?.last?.value, c.metric?.unit),
    c.metric?.slo ?? '',
    String(c.metric?.points ?? 0),
    verdict,
  ];
  return [
    ...gating.filter((c) => c.kind === 'metric').map((c) => row(c, c.verdict)),
    ...reported.map((c) => row(c, c.verdict === 'pass' ? 'reported' : 'reported (no data)')),
  ];
}

export function buildDocument(
  kind: DocumentKind,
  ctx: { plan: Plan; state: RolloutState; journal: JournalDigest; report: PhaseReport },
): DocumentSection {
  const { plan, report } = ctx;
  if (isLiving(kind)) return buildLiving(kind, { ...ctx, phase: report.phase.name });
  const title = TITLES[kind];
  switch (kind) {
    case 'rollout-plan':
      return {
        kind,
        title,
        source: 'data',
        blocks: [
          {
            type: 'text',
            text: `${plan.title ?? plan.name}: a ${plan.strategy} rollout of ${plan.service ?? plan.name}, driven by the flag "${plan.flag.key}". Owner: ${plan.owner ?? 'not named'}.`,
          },
          { type: 'text', text: 'Phases and the gate to leave each:' },
          {
            type: 'table',
            head: ['#', 'phase', 'traffic', 'audience', 'soak', 'gate window', 'approvals'],
            rows: plan.phases.map((p, i) => {
              const c = phaseCriteria(plan, p);
              return [
                String(i),
                p.name,
                `${p.traffic}%`,
                p.audience ?? 'everyone',
                p.minDuration ?? '-',
                c.sloWindow,
                c.approvals.required ? `${c.approvals.required} of ${c.approvals.approvers.join(', ')}` : '-',
              ];
            }),
          },
          { type: 'text', text: 'Metrics and their SLOs:' },
          {
            type: 'table',
            head: ['metric', 'category', 'SLO', 'severe', 'on breach'],
            rows: plan.metrics.map((m) => [
              m.name,
              m.category,
              m.slo ? bound(m.slo, m.unit) : 'reported only',
              m.severe ? bound(m.severe, m.unit) : '-',
              m.slo ? m.onBreach : '-',
            ]),
          },
          { type: 'text', text: 'Contingency ladder:' },
          {
            type: 'table',
            head: ['level', 'action'],
            rows: (['light', 'moderate', 'severe'] as const).map((l) => [l, plan.contingency[l]?.action ?? 'default']),
          },
          { type: 'text', text: 'Rollback plan, in order:' },
          {
            type: 'table',
            head: ['component', 'procedure', 'how', 'estimate'],
            rows: plan.rollback.map((r) => [
              r.component,
              r.procedure,
              r.action === 'flag' ? 'flag off' : r.run ? `run: ${r.run.trim()}` : 'manual',
              r.estimate ?? '-',
            ]),
          },
        ],
      };
    case 'test-cases': {
      const rows = report.checklist.map((c) => [
        c.text,
        c.command ? `\`${c.command.trim()}\`` : 'manual',
        c.status,
        c.by ?? '-',
        c.at ?? '-',
      ]);
      return {
        kind,
        title,
        source: 'partial',
        blocks: [
          { type: 'text', text: 'Checks recorded by the pre-deploy checklist:' },
          { type: 'table', head: ['check', 'how', 'result', 'by', 'at'], rows },
          {
            type: 'todo',
            text: 'Describe the functional test cases (scenarios, expected results, where they run). Only people can write this part.',
          },
        ],
      };
    }
    case 'initial-metrics':
      return {
        kind,
        title,
        source: report.gate ? 'data' : 'partial',
        blocks: report.gate
          ? [
              {
                type: 'text',
                text: `Metrics at ${servedText(report.phase.traffic, report.phase.audience)}, evaluated ${report.gate.evaluatedAt}.`,
              },
              {
                type: 'table',
                head: ['metric', 'cohort', 'worst', 'mean', 'last', 'SLO', 'points', 'verdict'],
                rows: metricRows(report.gate.criteria, report.gate.reported),
              },
            ]
          : [
              {
                type: 'todo',
                text: 'No gate evaluation was recorded in this phase yet; run `rollout check` or `rollout advance`.',
              },
            ],
      };
    case 'comparative-analysis': {
      const prevPhase = plan.phases[report.phase.index - 1];
      const prev = prevPhase ? lastGate(ctx.journal, prevPhase.name) : undefined;
      const cur = report.gate?.criteria.concat(report.gate.reported) ?? [];
      const names = plan.metrics.map((m) => m.name);
      const rows = names.map((n) => {
        const a = prev?.find((c) => c.name === n)?.metric;
        const b = cur.find((c) => c.name === n)?.metric;
        const delta =
          typeof a?.mean === 'number' &&
          typeof b?.mean === 'number' &&
          Number.isFinite(a.mean) &&
          Number.isFinite(b.mean) &&
          a.mean !== 0
            ? `${(((b.mean - a.mean) / Math.abs(a.mean)) * 100).toFixed(1)}%`
            : '-';
        return [n, fmt(a?.mean, a?.unit), fmt(b?.mean, b?.unit), delta];
      });
      return {
        kind,
        title,
        source: 'partial',
        blocks: [
          ...comparisonBlocks(report.gate?.criteria ?? [], report.latency),
          {
            type: 'text',
            text: `Between phases (the audience changed as well as the feature): mean of each metric in "${prevPhase?.name ?? '-'}" against "${report.phase.name}" (${servedText(report.phase.traffic, report.phase.audience)}), from the last gate evaluation of each phase.`,
          },
          { type: 'table', head: ['metric', prevPhase?.name ?? 'previous', report.phase.name, 'change'], rows },
          {
            type: 'todo',
            text: 'Interpret the differences: what changed for users, and whether it is the feature or the traffic mix. Only people can write this part.',
          },
        ],
      };
    }
    case 'final-report': {
      const rows = plan.phases.map((p) => {
        const r = ctx.state.phases[p.name];
        return [
          p.name,
          `${p.traffic}%`,
          r?.enteredAt ?? '-',
          r?.leftAt ?? '-',
          r ? formatDuration(Date.parse(r.leftAt ?? report.generatedAt) - Date.parse(r.enteredAt)) : '-',
          lastGateDecision(ctx.journal, p.name) ?? '-',
        ];
      });
      const holds = countOf(ctx.journal, (t) => t === 'rollout.held');
      const fails = countOf(
        ctx.journal,
        (t) => t === 'rollout.failed' || t === 'rollout.reduced' || t === 'rollout.rolled-back',
      );
      return {
        kind,
        title,
        source: 'data',
        blocks: [
          {
            type: 'text',
            text: `The rollout is ${ctx.state.status}. It started ${ctx.state.startedAt}${ctx.state.completedAt ? ` and completed ${ctx.state.completedAt}` : ''}. Gates held ${holds} time(s) and failed ${fails} time(s).`,
          },
          { type: 'table', head: ['phase', 'traffic', 'entered', 'left', 'time', 'last decision'], rows },
        ],
      };
    }
    case 'lessons-learned':
      return {
        kind,
        title,
        source: 'people',
        blocks: [
          {
            type: 'text',
            text: `Facts to start from: ${countOf(ctx.journal, (t) => t === 'rollout.held')} held gate(s), ${countOf(ctx.journal, (t) => t === 'effect.failed')} failed action(s), ${countOf(ctx.journal, (t) => t.startsWith('rollback'))} rollback event(s).`,
          },
          {
            type: 'todo',
            text: 'What went well, what did not, what to change in the next plan. Only people can write this section.',
          },
        ],
      };
  }
}
