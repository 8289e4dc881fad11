/**
 * What a digest says, by content level: a technical digest lists every change of its window with its
 * reasons; a product summary counts phases, holds and failures; the executive report tells one phase's
 * outcome; the customer digest is the release-notes draft (closing.ts). Pure; in the plan's report
 * language. Plan and note texts are passed as written: the notifier escapes for its medium.
 */
import type { Plan } from '../plan/schema.js';
import type { JournalEntry, RolloutState } from '../state/types.js';
import { renderReleaseNotes } from './closing.js';
import type { DuePeriod, Level } from './digest-cadence.js';
import { type Language, messages } from './i18n.js';
import { buildPhaseReport } from './model.js';
import { toPtBr } from './pt-br-phrases.js';
import { phaseServed } from './served.js';

const WORDS = {
  en: {
    technical: (p: string) => `Technical digest (${p})`,
    product: (p: string) => `Product summary (${p})`,
    executive: (phase: string) => `Executive report: phase ${phase} done`,
    customer: 'Release notes',
    now: (status: string, phase: string, served: string) => `now ${status}, phase ${phase} at ${served}`,
    noChange: 'no change in this period',
    counts: (a: number, h: number, f: number) => `${a} advance(s), ${h} hold(s), ${f} failure(s)`,
    phaseLine: (name: string, from: string, to: string) => `phase ${name}: entered ${from}, left ${to}`,
    events: {
      advanced: 'advanced',
      completed: 'completed',
      held: 'held',
      failed: 'gate failed',
      reduced: 'traffic reduced',
      'rolled-back': 'rolled back',
      paused: 'paused',
      resumed: 'resumed',
      reset: 'started over',
      note: 'note',
    } as Record<string, string>,
  },
  'pt-BR': {
    technical: (p: string) => `Resumo técnico (${p})`,
    product: (p: string) => `Resumo de produto (${p})`,
    executive: (phase: string) => `Relatório executivo: fase ${phase} concluída`,
    customer: 'Notas de release',
    now: (status: string, phase: string, served: string) => `agora ${status}, fase ${phase} com ${served}`,
    noChange: 'nenhuma mudança neste período',
    counts: (a: number, h: number, f: number) => `${a} avanço(s), ${h} retenção(ões), ${f} falha(s)`,
    phaseLine: (name: string, from: string, to: string) => `fase ${name}: iniciada ${from}, encerrada ${to}`,
    events: {
      advanced: 'avançou',
      completed: 'concluído',
      held: 'retido',
      failed: 'gate reprovado',
      reduced: 'tráfego reduzido',
      'rolled-back': 'revertido',
      paused: 'pausado',
      resumed: 'retomado',
      reset: 'reiniciado',
      note: 'nota',
    } as Record<string, string>,
  },
} as const;

export interface DigestText {
  summary: string;
  lines: string[];
}

const MAX_LINES = 40;
const hhmm = (at: string) => `${at.slice(0, 10)} ${at.slice(11, 16)}Z`;

/** The changes of the window, one line each: time, phase, what happened, why. */
function changeLines(lang: Language, journal: JournalEntry[], from: number, to: number): string[] {
  const w = WORDS[lang];
  const lines: string[] = [];
  let reasons: string[] = [];
  for (const e of journal) {
    if (e.type === 'gate.evaluated') reasons = Array.isArray(e.data['reasons']) ? (e.data['reasons'] as string[]) : [];
    const t = Date.parse(e.at);
    if (t < from || t > to) continue;
    if (e.type === 'note.added') {
      lines.push(
        `${hhmm(e.at)} ${e.phase ?? '-'}: ${w.events['note']} (${String(e.data['by'] ?? '?')}): ${String(e.data['text'] ?? '')}`,
      );
      continue;
    }
    if (!e.type.startsWith('rollout.')) continue;
    const what = e.type.slice('rollout.'.length);
    const why =
      what === 'held' || what === 'failed'
        ? reasons
        : typeof e.data['reason'] === 'string'
          ? [e.data['reason'] as string]
          : [];
    const to_ = typeof e.data['to'] === 'string' ? ` → ${e.data['to'] as string}` : '';
    lines.push(
      `${hhmm(e.at)} ${e.phase ?? '-'}${to_}: ${w.events[what] ?? what}${why.length ? `: ${why.map((x) => (lang === 'pt-BR' ? toPtBr(x) : x)).join('; ')}` : ''}`,
    );
  }
  return lines;
}

function counts(journal: JournalEntry[], from: number, to: number) {
  const n = { advanced: 0, held: 0, failed: 0 };
  for (const e of journal) {
    const t = Date.parse(e.at);
    if (t < from || t > to) continue;
    if (e.type === 'rollout.advanced' || e.type === 'rollout.completed') n.advanced++;
    if (e.type === 'rollout.held') n.held++;
    if (e.type === 'rollout.failed') n.failed++;
  }
  return n;
}

/** The digest's text for a level and a period. */
export function digestText(args: {
  plan: Plan;
  state: RolloutState;
  journal: JournalEntry[];
  level: Level;
  period: DuePeriod;
  now: number;
}): DigestText {
  const { plan, state, journal, level, period } = args;
  const lang: Language = plan.reports.language ?? 'en';
  const w = WORDS[lang];
  const status = messages(lang).statusWord[state.status] ?? state.status;
  const nowLine = w.now(status, state.phase, phaseServed(plan, state.phase, state.traffic, messages(lang)));
  const label = period.key.replace(/^[a-z]+:/, '');
  switch (level) {
    case 'technical': {
      const lines = changeLines(lang, journal, period.from, period.to);
      return {
        summary: `${w.technical(label)}: ${nowLine}`,
        lines: lines.length ? lines.slice(-MAX_LINES) : [w.noChange],
      };
    }
    case 'product': {
      const n = counts(journal, period.from, period.to);
      const phases = Object.values(state.phases)
        .filter((p) => p.leftAt && Date.parse(p.leftAt) >= period.from && Date.parse(p.leftAt) <= period.to)
        .map((p) => w.phaseLine(p.name, hhmm(p.enteredAt), hhmm(p.leftAt!)));
      return { summary: `${w.product(label)}: ${nowLine}`, lines: [w.counts(n.advanced, n.held, n.failed), ...phases] };
    }
    case 'executive': {
      // the phase report's executive summary, as of leaving the phase (executive.ts)
      const phase = period.phase && plan.phases.some((p) => p.name === period.phase) ? period.phase : state.phase;
      const e = buildPhaseReport({
        plan,
        state,
        journal,
        phase,
        now: new Date(args.now).toISOString(),
        simulated: false,
      }).executive;
      const n = counts(journal, period.from, period.to);
      return {
        summary: `${w.executive(phase)}: ${nowLine}`,
        lines: [
          ...(e ? [e.where, e.decided, ...e.risks.map((r) => (lang === 'pt-BR' ? toPtBr(r) : r)), e.next] : []),
          w.counts(n.advanced, n.held, n.failed),
        ],
      };
    }
    case 'customer': {
      const notes = renderReleaseNotes({ plan, state, journal, now: new Date(args.now).toISOString() });
      const lines = notes
        .split('\n')
        .map((l) => l.replace(/^#+\s*/, '').trim())
        .filter((l) => l.length > 0);
      return { summary: `${w.customer}: ${plan.title ?? plan.name}`, lines: lines.slice(0, MAX_LINES) };
    }
  }
}
