/**
 * The journal's events, typed: each `type` names the shape of its `data`. Entries are written through
 * `JournalEventInput` (the engine's `journal`/`withEffect`) and read through `eventOf`, which narrows an
 * entry by its type; reports, recovery and `history` read typed data instead of casting.
 *
 * `v` is the format's version. Journals written before it existed carry none and read as version 1;
 * every entry written now says `v: 1`. Data is open (an older or newer writer may add fields), so every
 * field a reader uses is optional where an old journal may lack it.
 */
import type { Criterion } from '../gates/types.js';
import type { JournalEntry } from './types.js';

export const JOURNAL_VERSION = 1;

export type Verdict = 'pass' | 'hold' | 'fail';

/** One criterion as the gate judged it (the report's row). */
export type JournaledCriterion = Criterion;

/** What a failed gate's contingency came to (engine/decide.ts writes it; `applied` once it ran). */
export interface JournaledContingency {
  level: string;
  action: string;
  advised?: boolean | undefined;
  applied: boolean;
  automatic?: boolean | undefined;
  advice: string;
}

export interface GateEvaluated {
  decision: string;
  from: string;
  to: string | null;
  verdict: Verdict | string;
  criteria: JournaledCriterion[];
  reported?: JournaledCriterion[] | undefined;
  reasons: string[];
  contingency?: JournaledContingency | undefined;
}

/** `rollout.<decision>`: what a change came to. Which fields are set depends on the flow that wrote it. */
export interface RolloutOutcome {
  from?: string | null | undefined;
  to?: string | null | undefined;
  traffic?: number | undefined;
  status?: string | undefined;
  contingency?: JournaledContingency | undefined;
  reason?: string | null | undefined;
  steps?: unknown[] | undefined;
  previous?: string | undefined;
  after?: string | undefined;
  phase?: string | undefined;
  abandonedSteps?: number | undefined;
  /** a reduce whose flag change landed in a run that died, completed by the next `reduce` */
  interrupted?: boolean | undefined;
}

/** One rollback step as `rollback.finished` records it. */
export interface JournaledRollbackStep {
  index?: number | undefined;
  component: string;
  procedure: string;
  kind: string;
  status: string;
  startedAt?: string | undefined;
  durationMs: number;
  estimate?: string | undefined;
  overEstimate: boolean;
  detail: string;
  command?: string | undefined;
  exitCode?: number | null | undefined;
  output?: string | undefined;
  earlier?: boolean | undefined;
  answer?: { question: string; answer: string; by: string } | undefined;
}

/** The data every effect entry carries: which effect, and for a start what it is about to do. */
export interface EffectData {
  action: string;
  target?: { traffic?: number; audience?: string; variant?: string } | undefined;
  before?: unknown;
  after?: unknown;
  toPhase?: string | undefined;
  command?: string | undefined;
  component?: string | undefined;
  step?: number | undefined;
  id?: string | undefined;
  error?: string | undefined;
  [more: string]: unknown;
}

export interface EventData {
  'gate.evaluated': GateEvaluated;
  'advance.aborted': { decision: string; error: string; state: 'unchanged' };
  'rollout.advanced': RolloutOutcome;
  'rollout.completed': RolloutOutcome;
  'rollout.held': RolloutOutcome;
  'rollout.failed': RolloutOutcome;
  'rollout.reduced': RolloutOutcome;
  'rollout.rolled-back': RolloutOutcome;
  'rollout.component-rolled-back': RolloutOutcome & { component?: string | undefined };
  'rollout.paused': RolloutOutcome;
  'rollout.resumed': RolloutOutcome;
  'rollout.reset': RolloutOutcome;
  'rollback.started': { reason: string; steps: number };
  'rollback.continued': { reason: string; done: number[] };
  'rollback.finished': { reason: string; steps: JournaledRollbackStep[] };
  'rollback.incomplete': RolloutOutcome;
  'rollback.component.started': { component: string; reason: string; steps: number[] };
  'rollback.component.finished': { component: string; reason: string; steps: JournaledRollbackStep[] };
  'rollback.answered': { step: number; component: string; question: string; answer: 'yes' | 'no'; by: string };
  'approval.recorded': { by: string; note: string | null; visit: number; runner: unknown; identity: string | null };
  'checklist.answered': {
    id: string;
    text: string;
    status: string;
    by: string;
    reason?: string | undefined;
    command?: string | undefined;
    exitCode?: number | null | undefined;
    detail?: string | undefined;
  };
  'effect.start': EffectData;
  'effect.done': EffectData;
  'effect.failed': EffectData;
  'effect.interrupted': EffectData & {
    startedAt: string;
    landed: boolean | 'unknown';
    observed: unknown;
    recorded: boolean;
    note: string;
  };
  'note.added': { kind: 'issue' | 'feedback'; text: string; by: string; runner: unknown };
  'notify.sent': { notifier: string; kind: string };
  'notify.failed': { notifier: string; kind: string; error: string };
  'clock.jumped': { kind: string; from: { at: string; clock: string }; to: { at: string; clock: string } };
  'journal.repaired': { line: number; removed: string };
}

export type EventType = keyof EventData;

/** An event as a flow hands it to the journal (the store adds seq, time, clock, actor and version). */
export type JournalEventInput = {
  [T in EventType]: { type: T; phase?: string | undefined; effect?: string | undefined; data: EventData[T] };
}[EventType];

/** An entry read back, narrowed by its type. `actor` is on every entry the tool wrote. */
export type JournalEvent = {
  [T in EventType]: Omit<JournalEntry, 'type' | 'data'> & { type: T; data: EventData[T] & { actor?: string } };
}[EventType];

/**
 * An entry read back as the event its type names: the one place a journal line becomes a typed event
 * (the store checked its envelope; data is as the writer of its version wrote it). An entry of a type
 * this version does not know is still an entry: its `type` matches no case of a switch.
 */
export function asEvent(entry: JournalEntry): JournalEvent {
  return entry as JournalEvent;
}

/** The entry as the event it is when its type is `type`; undefined otherwise (or when there is none). */
export function eventOf<T extends EventType>(
  entry: JournalEntry | undefined,
  type: T,
): (Omit<JournalEntry, 'type' | 'data'> & { type: T; data: EventData[T] & { actor?: string } }) | undefined {
  if (!entry || entry.type !== type) return undefined;
  return entry as never;
}

/** A `rollout.<decision>` entry's data (what a change came to), or undefined for any other entry. */
export function outcomeOf(entry: JournalEntry | undefined): RolloutOutcome | undefined {
  if (!entry?.type.startsWith('rollout.')) return undefined;
  return entry?.data as RolloutOutcome;
}

/** An effect entry's data (start, done, failed or interrupted), or undefined for any other entry. */
export function effectOf(entry: JournalEntry | undefined): Partial<EffectData> | undefined {
  if (!entry?.type.startsWith('effect.')) return undefined;
  return entry?.data as Partial<EffectData>;
}

/** The version of the format an entry was written in (1 for the entries written before the field). */
export const versionOf = (entry: JournalEntry): number => (typeof entry.v === 'number' ? entry.v : 1);

/** The fields of any entry's data, for a one-line listing (history). */
export function fieldsOf(entry: JournalEntry): Readonly<Record<string, unknown>> {
  return entry.data;
}
