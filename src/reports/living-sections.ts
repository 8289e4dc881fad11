/**
 * The seed's living documents: the issue log (incidents the gates saw, holds and failures with their
 * reasons, issue notes), the user-feedback section (NPS and acceptance figures, feedback notes) and the
 * communication plan (each stakeholder's channel, owner, cadence, level and notifier). A phase lists
 * them in `documents:`; besides, the first phase's report always carries the communication plan when
 * the plan names stakeholders, and a phase with notes of a kind carries that kind's section. Pure.
 * Note texts are people's free text: their table is `untrusted` (Markdown escapes it; HTML always does).
 */
import type { DocumentKind, Plan } from '../plan/schema.js';
import { type JournalDigest, phaseOf } from '../state/journal-digest.js';
import type { RolloutState } from '../state/types.js';
import { cadenceOf, levelOf } from './digest-cadence.js';
import { lastGate } from './documents-parts.js';
import { formatDate, formatNumber, type Language, messages } from './i18n.js';
import type { DocumentSection } from './model.js';
import { toPtBr } from './pt-br-phrases.js';

export const LIVING = ['issue-log', 'user-feedback', 'communication-plan'] as const;
export type LivingKind = (typeof LIVING)[number];
export const isLiving = (k: DocumentKind): k is LivingKind => (LIVING as readonly string[]).includes(k);

const WORDS = {
  en: {
    'issue-log': 'Issue log',
    'user-feedback': 'User feedback',
    'communication-plan': 'Communication plan',
    issueCols: ['at', 'kind', 'what', 'by'],
    kinds: { incident: 'incident', held: 'hold', failed: 'failure', note: 'note' } as Record<string, string>,
    none: 'Nothing recorded in this phase.',
    figures: 'NPS and acceptance figures (the last gate of the phase):',
    figureCols: ['metric', 'last', 'mean', 'points'],
    noFigures: 'No NPS or acceptance metric was measured in this phase.',
    notes: 'Feedback notes:',
    noteCols: ['at', 'by', 'feedback'],
    commCols: ['audience', 'channel', 'owner', 'cadence', 'content', 'notifier'],
    noCadence: 'none (frequency names no cadence)',
    commText: '`rollout digest PLAN --send` sends each audience what is due on its cadence.',
    cadences: {} as Record<string, string>,
    levels: {} as Record<string, string>,
  },
  'pt-BR': {
    'issue-log': 'Registro de problemas',
    'user-feedback': 'Feedback dos usuários',
    'communication-plan': 'Plano de comunicação',
    issueCols: ['em', 'tipo', 'o quê', 'por'],
    kinds: { incident: 'incidente', held: 'retenção', failed: 'falha', note: 'nota' } as Record<string, string>,
    none: 'Nada registrado nesta fase.',
    figures: 'NPS e taxas de aceitação (o último gate da fase):',
    figureCols: ['métrica', 'último', 'média', 'pontos'],
    noFigures: 'Nenhuma métrica de NPS ou aceitação foi medida nesta fase.',
    notes: 'Notas de feedback:',
    noteCols: ['em', 'por', 'feedback'],
    commCols: ['público', 'canal', 'responsável', 'cadência', 'conteúdo', 'notificador'],
    noCadence: 'nenhuma (a frequência não indica uma cadência)',
    commText: '`rollout digest PLANO --send` envia a cada público o que é devido na sua cadência.',
    cadences: {
      'each-change': 'a cada mudança',
      daily: 'diária',
      weekly: 'semanal',
      'after-each-phase': 'após cada fase',
      'after-the-rollout': 'após o rollout',
    } as Record<string, string>,
    levels: { technical: 'técnico', product: 'produto', executive: 'executivo', customer: 'cliente' } as Record<
      string,
      string
    >,
  },
} as const;

const FEEDBACK_METRIC = /nps|accept|aceit|satisf|csat|feedback/i;

/** The document kinds of a phase's report: those it lists, then the living ones its data calls for. */
export function documentKinds(plan: Plan, state: RolloutState, phase: string, index: number): DocumentKind[] {
  const listed = plan.phases[index]?.documents ?? [];
  const kinds: DocumentKind[] = [...listed];
  const notes = (state.notes ?? []).filter((n) => n.phase === phase);
  const add = (k: DocumentKind, when: boolean) => {
    if (when && !kinds.includes(k)) kinds.push(k);
  };
  add('communication-plan', index === 0 && plan.stakeholders.length > 0);
  add(
    'issue-log',
    notes.some((n) => n.kind === 'issue'),
  );
  add(
    'user-feedback',
    notes.some((n) => n.kind === 'feedback'),
  );
  return kinds;
}

export function buildLiving(
  kind: LivingKind,
  ctx: { plan: Plan; state: RolloutState; journal: JournalDigest; phase: string },
): DocumentSection {
  const lang: Language = ctx.plan.reports.language ?? 'en';
  const w = WORDS[lang];
  const title = w[kind];
  const date = (iso: string) => formatDate(lang, iso);
  const say = (text: string) => (lang === 'pt-BR' ? toPtBr(text) : text);
  const notes = (ctx.state.notes ?? []).filter((n) => n.phase === ctx.phase);
  switch (kind) {
    case 'issue-log': {
      const rows: { at: string; row: string[] }[] = (phaseOf(ctx.journal, ctx.phase)?.issues ?? []).map((r) => ({
        at: r.at,
        row: [
          r.count > 1 ? messages(lang).repeated(date(r.at), date(r.lastAt), r.count) : date(r.at),
          w.kinds[r.kind]!,
          r.text.map(say).join('; ') || '-',
          r.actor,
        ],
      }));
      for (const n of notes.filter((x) => x.kind === 'issue'))
        rows.push({ at: n.at, row: [date(n.at), w.kinds['note']!, n.text, n.by] });
      rows.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      return {
        kind,
        title,
        source: 'partial',
        blocks: rows.length
          ? [{ type: 'table', head: [...w.issueCols], rows: rows.map((r) => r.row), untrusted: true }]
          : [{ type: 'text', text: w.none }],
      };
    }
    case 'user-feedback': {
      const figures = (lastGate(ctx.journal, ctx.phase) ?? []).filter(
        (c) => c.kind === 'metric' && FEEDBACK_METRIC.test(c.name),
      );
      const fb = notes.filter((n) => n.kind === 'feedback');
      return {
        kind,
        title,
        source: 'partial',
        blocks: [
          ...(figures.length
            ? [
                { type: 'text' as const, text: w.figures },
                {
                  type: 'table' as const,
                  head: [...w.figureCols],
                  rows: figures.map((c) => [
                    c.name,
                    formatNumber(lang, c.metric?.last?.value, c.metric?.unit),
                    formatNumber(lang, c.metric?.mean, c.metric?.unit),
                    String(c.metric?.points ?? 0),
                  ]),
                },
              ]
            : [{ type: 'text' as const, text: w.noFigures }]),
          ...(fb.length
            ? [
                { type: 'text' as const, text: w.notes },
                {
                  type: 'table' as const,
                  head: [...w.noteCols],
                  rows: fb.map((n) => [date(n.at), n.by, n.text]),
                  untrusted: true,
                },
              ]
            : []),
        ],
      };
    }
    case 'communication-plan':
      return {
        kind,
        title,
        source: 'data',
        blocks: [
          {
            type: 'table',
            head: [...w.commCols],
            rows: ctx.plan.stakeholders.map((s) => {
              const cadence = cadenceOf(s);
              const notify = s.notify === undefined ? '-' : Array.isArray(s.notify) ? s.notify.join(', ') : s.notify;
              return [
                s.audience,
                s.channel ?? '-',
                s.owner ?? '-',
                cadence ? (w.cadences[cadence] ?? cadence) : w.noCadence,
                cadence ? (w.levels[levelOf(s, cadence)] ?? levelOf(s, cadence)) : '-',
                notify,
              ];
            }),
          },
          { type: 'text', text: w.commText },
        ],
      };
  }
}
