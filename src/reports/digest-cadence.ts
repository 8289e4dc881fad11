/**
 * When a stakeholder's digest is due. A stakeholder's cadence is its `cadence:` field, or read from its
 * free-text `frequency:` (the seed's "Diário", "Semanal", "Pós-cada fase", "Pós-implementação" and their
 * English words); its content level is its `level:` field, or the one its cadence implies. Each due
 * digest has a KEY naming its period (the UTC day, the ISO week, the phase left, the rollout finished,
 * the last change covered): a digest is sent once per key and notifier. Pure: the clock is an argument.
 */
import type { Stakeholder } from '../plan/schema.js';
import type { JournalEntry, RolloutState } from '../state/types.js';

export type Cadence = NonNullable<Stakeholder['cadence']>;
export type Level = NonNullable<Stakeholder['level']>;

const FOLD = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

/** Words of `frequency:` (folded: no accents, lower case, words only) and the cadence each means. */
const FREQUENCY_WORDS: [RegExp, Cadence][] = [
  [/^(each change|every change|on change|real ?time|a cada mudanca|cada mudanca|tempo real)$/, 'each-change'],
  [/^(daily|every day|diario|diaria|todo dia|todos os dias)$/, 'daily'],
  [/^(weekly|every week|semanal|toda semana|weekly meeting|reuniao semanal)$/, 'weekly'],
  [/^(after each phase|per phase|each phase|pos cada fase|apos cada fase|por fase|a cada fase)$/, 'after-each-phase'],
  [
    /^(after (the )?rollout|after release|after implementation|at the end|pos implementacao|apos (o )?rollout|apos a implementacao|pos rollout)$/,
    'after-the-rollout',
  ],
];

/** The stakeholder's cadence, or undefined when neither `cadence:` nor `frequency:` names one. */
export function cadenceOf(s: Stakeholder): Cadence | undefined {
  if (s.cadence) return s.cadence;
  if (!s.frequency) return undefined;
  const folded = FOLD(s.frequency);
  return FREQUENCY_WORDS.find(([re]) => re.test(folded))?.[1];
}

const LEVEL_OF_CADENCE: Record<Cadence, Level> = {
  'each-change': 'technical',
  daily: 'technical',
  weekly: 'product',
  'after-each-phase': 'executive',
  'after-the-rollout': 'customer',
};

export function levelOf(s: Stakeholder, cadence: Cadence): Level {
  return s.level ?? LEVEL_OF_CADENCE[cadence];
}

/** One period a digest covers: its key, when it began (the webhook id stays the same on a retry) and its window. */
export interface DuePeriod {
  key: string;
  /** the period's start, sent as the event's time (stable across retries) */
  at: string;
  /** the journal entries it covers are those in [from, to] */
  from: number;
  to: number;
  /** the phase a per-phase digest is about */
  phase?: string | undefined;
  /** for each-change: the last seq covered */
  upToSeq?: number | undefined;
}

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

/** ISO-8601 week `2026-W25` of a UTC time, and the Monday it starts on. */
export function isoWeek(t: number): { key: string; start: number } {
  const d = new Date(t);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - day * DAY;
  const thursday = new Date(start + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return { key: `${year}-W${String(week).padStart(2, '0')}`, start };
}

/**
 * The periods due now for a cadence. A rollout not started owes nothing. Daily and weekly digests
 * are due for the current day or week only (a day nobody ran `digest` is not sent late); a per-phase
 * digest is due for every phase left, the after-the-rollout one once the rollout completed or was
 * rolled back; an each-change digest when the journal holds changes after the last one sent.
 */
export function duePeriods(args: {
  cadence: Cadence;
  state: RolloutState;
  journal: JournalEntry[];
  now: number;
  /** for each-change: the last seq already covered for this audience */
  lastSeq: number;
}): DuePeriod[] {
  const { cadence, state, journal, now } = args;
  if (state.status === 'not-started') return [];
  const started = Date.parse(state.startedAt);
  switch (cadence) {
    case 'daily': {
      const start = Math.floor(now / DAY) * DAY;
      return [{ key: `daily:${iso(start).slice(0, 10)}`, at: iso(start), from: Math.max(now - DAY, started), to: now }];
    }
    case 'weekly': {
      const w = isoWeek(now);
      return [{ key: `weekly:${w.key}`, at: iso(w.start), from: Math.max(now - 7 * DAY, started), to: now }];
    }
    case 'after-each-phase':
      return Object.values(state.phases)
        .filter((p) => p.leftAt !== undefined && Date.parse(p.leftAt) <= now)
        .sort((a, b) => Date.parse(a.leftAt!) - Date.parse(b.leftAt!))
        .map((p) => ({
          key: `phase:${p.name}@${p.leftAt}`,
          at: p.leftAt!,
          from: Date.parse(p.enteredAt),
          to: Date.parse(p.leftAt!),
          phase: p.name,
        }));
    case 'after-the-rollout': {
      const end =
        state.status === 'completed'
          ? state.completedAt
          : state.status === 'rolled-back'
            ? state.rolledBackAt
            : undefined;
      return end ? [{ key: `rollout:${state.status}@${end}`, at: end, from: started, to: Date.parse(end) }] : [];
    }
    case 'each-change': {
      const changes = journal.filter((e) => e.seq > args.lastSeq && isChange(e));
      const last = changes.at(-1);
      if (!last) return [];
      return [
        {
          key: `change:${last.seq}`,
          at: last.at,
          from: Date.parse(changes[0]!.at),
          to: Date.parse(last.at),
          upToSeq: last.seq,
        },
      ];
    }
  }
}

/** A change of the rollout a stakeholder hears about: its outcomes, a note, an incident. */
export const isChange = (e: JournalEntry) => e.type.startsWith('rollout.') || e.type === 'note.added';
