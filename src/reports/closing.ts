/**
 * The documents of a finished rollout: a release-notes draft for customers and a lessons-learned
 * document prefilled with the rollout's facts (holds, failures and contingencies with their reasons,
 * incidents seen by the gates, rollback steps against their estimates, phase durations against the
 * plan's earliest schedule). People finish both; rollout writes what it knows. Pure.
 */
import { parseEstimate, formatDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import type { JournalEntry, RolloutState } from '../state/types.js';
import { plannedSchedule } from './executive.js';
import { formatDate, formatNumber, type Language, messages } from './i18n.js';
import { table } from './markdown.js';
import { phaseServed } from './served.js';

const WORDS = {
  en: {
    notes: (t: string) => `Release notes (draft): ${t}`,
    draft: 'Draft written by rollout from the plan and its journal: edit before sending to customers.',
    what: "What's new",
    whatTodo: "Describe the improvement in the customers' words: what they will notice and why it is better.",
    availability: 'Availability',
    available: (at: string, plan: string) => `Available to every user since ${at}, after a gradual rollout (${plan}).`,
    notAvailable: (status: string) => `Not released: the rollout is ${status}.`,
    quality: 'Quality during the rollout',
    qualityText: (n: number) =>
      `The change was released in ${n} phases, each held until its service-level objectives held:`,
    support: 'Questions',
    supportTodo: 'How customers reach support, and links to the documentation.',
    lessons: (t: string) => `Lessons learned: ${t}`,
    facts: 'Facts from the rollout',
    durations: 'Durations against the schedule',
    holds: 'Holds and failures',
    incidents: 'Incidents seen by the gates',
    contingencies: 'Contingencies',
    rollback: 'Rollback against the estimates',
    noneSeen: 'none recorded',
    well: 'What went well',
    badly: 'What did not go well',
    change: 'What to change in the next plan',
    people: 'Only people can write this part.',
    cols: ['phase', 'planned start', 'actual start', 'left', 'time', 'late by'],
    ev: ['at', 'phase', 'what', 'reason'],
    rb: ['component', 'status', 'took', 'estimate', 'within'],
    yes: 'yes',
    no: 'no',
  },
  'pt-BR': {
    notes: (t: string) => `Notas de release (rascunho): ${t}`,
    draft: 'Rascunho escrito pelo rollout a partir do plano e do seu registro: revise antes de enviar aos clientes.',
    what: 'Novidades',
    whatTodo: 'Descreva a melhoria com as palavras dos clientes: o que vão perceber e por que é melhor.',
    availability: 'Disponibilidade',
    available: (at: string, plan: string) =>
      `Disponível para todos os usuários desde ${at}, após um rollout gradual (${plan}).`,
    notAvailable: (status: string) => `Não liberado: o rollout está ${status}.`,
    quality: 'Qualidade durante o rollout',
    qualityText: (n: number) =>
      `A mudança foi liberada em ${n} fases, cada uma mantida até seus objetivos de nível de serviço se confirmarem:`,
    support: 'Dúvidas',
    supportTodo: 'Como os clientes falam com o suporte, e links para a documentação.',
    lessons: (t: string) => `Lições aprendidas: ${t}`,
    facts: 'Fatos do rollout',
    durations: 'Durações em relação ao cronograma',
    holds: 'Esperas e falhas',
    incidents: 'Incidentes vistos pelos gates',
    contingencies: 'Contingências',
    rollback: 'Rollback em relação às estimativas',
    noneSeen: 'nenhum registrado',
    well: 'O que funcionou bem',
    badly: 'O que não funcionou',
    change: 'O que mudar no próximo plano',
    people: 'Somente pessoas podem escrever esta parte.',
    cols: ['fase', 'início previsto', 'início real', 'saída', 'tempo', 'atraso'],
    ev: ['em', 'fase', 'o quê', 'motivo'],
    rb: ['componente', 'situação', 'duração', 'estimativa', 'dentro'],
    yes: 'sim',
    no: 'não',
  },
} satisfies Record<Language, unknown>;

interface Args {
  plan: Plan;
  state: RolloutState;
  journal: JournalEntry[];
  now: string;
}

export function renderReleaseNotes({ plan, state, now }: Args): string {
  const lang = plan.reports.language ?? 'en';
  const w = WORDS[lang];
  const m = messages(lang);
  const title = plan.title ?? plan.name;
  const done = state.status === 'completed';
  return [
    `# ${w.notes(title)}\n`,
    `> ${w.draft}\n`,
    `## ${w.what}\n`,
    `> **${m.toBeWritten}** ${w.whatTodo}\n`,
    `## ${w.availability}\n`,
    done
      ? `${w.available(formatDate(lang, state.completedAt ?? now), plan.name)}\n`
      : `${w.notAvailable(m.statusWord[state.status] ?? state.status)}\n`,
    `## ${w.quality}\n`,
    `${w.qualityText(plan.phases.length)}\n`,
    plan.phases
      .map(
        (p) => `- ${p.name}: ${phaseServed(plan, p.name, p.traffic, m)}${p.minDuration ? ` (${p.minDuration})` : ''}`,
      )
      .join('\n'),
    `\n## ${w.support}\n`,
    `> **${m.toBeWritten}** ${w.supportTodo}\n`,
  ].join('\n');
}

export function renderLessonsLearned({ plan, state, journal, now }: Args): string {
  const lang = plan.reports.language ?? 'en';
  const w = WORDS[lang];
  const m = messages(lang);
  const d = (iso: string | undefined) => formatDate(lang, iso);
  const sched = plannedSchedule(plan, state).map((s) => [
    s.phase,
    d(s.plannedStart),
    d(s.actualStart),
    d(s.actualEnd),
    s.actualStart
      ? formatDuration(Date.parse(s.actualEnd ?? state.completedAt ?? now) - Date.parse(s.actualStart))
      : '-',
    s.lateMs !== undefined && s.lateMs > 0 ? formatDuration(s.lateMs) : '-',
  ]);
  const gates = journal.filter((e) => e.type === 'gate.evaluated');
  const holdsAndFails = gates
    .map((e) => ({ e, data: e.data as { decision?: string; reasons?: string[] } }))
    .filter(({ data }) => data.decision && data.decision !== 'advanced' && data.decision !== 'completed')
    .map(({ e, data }) => [d(e.at), e.phase ?? '-', data.decision ?? '-', (data.reasons ?? []).join('; ')]);
  const incidents = gates.flatMap((e) =>
    ((e.data as { criteria?: { kind: string; verdict: string; detail: string }[] }).criteria ?? [])
      .filter((c) => c.kind === 'incidents' && c.verdict !== 'pass')
      .map((c) => [d(e.at), e.phase ?? '-', c.verdict, c.detail]),
  );
  const contingencies = journal
    .filter((e) => /^rollout\.(reduced|rolled-back)$|^rollback\.incomplete$/.test(e.type))
    .map((e) => [
      d(e.at),
      e.phase ?? '-',
      e.type.replace(/^rollout\./, ''),
      String((e.data as { reason?: string }).reason ?? ''),
    ]);
  const estimates = new Map(plan.rollback.map((r) => [r.component, r.estimate]));
  const rollback = (state.rollback?.steps ?? []).map((s) => {
    const est = estimates.get(s.component);
    const range = est ? parseEstimate(est) : undefined;
    return [
      s.component,
      s.status,
      `${formatNumber(lang, s.durationMs / 1000)} s`,
      est ?? '-',
      range ? (s.durationMs <= range.max ? w.yes : w.no) : '-',
    ];
  });
  const section = (title: string, head: string[], rows: string[][]) =>
    `### ${title}\n\n${rows.length ? table(head, rows) : `_${w.noneSeen}_\n`}`;
  return [
    `# ${w.lessons(plan.title ?? plan.name)}\n`,
    `${m.statusWord[state.status] ?? state.status}: ${d(state.startedAt)} → ${d(state.completedAt ?? state.rolledBackAt ?? now)}\n`,
    `## ${w.facts}\n`,
    section(w.durations, w.cols, sched),
    section(w.holds, w.ev, holdsAndFails),
    section(w.incidents, w.ev, incidents),
    section(w.contingencies, w.ev, contingencies),
    section(w.rollback, w.rb, rollback),
    ...[w.well, w.badly, w.change].map((h) => `## ${h}\n\n> **${m.toBeWritten}** ${w.people}\n`),
  ].join('\n');
}
