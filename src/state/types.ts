/** The rollout's recorded state and its event journal. Plain data: the core reads it, stores keep it. */
import type { PhaseStatsMemory } from '../gates/comparison-types.js';
import type { JournalDigest } from './journal-digest.js';
import type { DigestRecord, NoteRecord } from './record-types.js';

export type { DigestRecord, NoteRecord } from './record-types.js';
export type RolloutStatus = 'not-started' | 'in-progress' | 'paused' | 'rolling-back' | 'rolled-back' | 'completed';

export interface ChecklistAnswer {
  id: string;
  text: string;
  status: 'done' | 'skipped' | 'failed';
  by: string;
  at: string;
  reason?: string | undefined;
  command?: string | undefined;
  exitCode?: number | null | undefined;
  /** for a command: `exit 0`, `exit 3`, `timed out after 3s` */
  detail?: string | undefined;
  /** the command's output, trimmed to its last lines */
  output?: string | undefined;
  durationMs?: number | undefined;
}

export interface Approval {
  /** the approver's name as the plan lists it (claimed with --by, or found from the runner's identity) */
  by: string;
  at: string;
  note?: string | undefined;
  /** the phase, and its visit and entry time, the approval was given in: it counts for that visit only */
  phase?: string | undefined;
  visit?: number | undefined;
  enteredAt?: string | undefined;
  /** who ran the command: OS account, host, CI login, ROLLOUT_USER, git e-mail */
  runner?:
    | {
        os: string;
        host: string;
        github?: string | undefined;
        gitlab?: string | undefined;
        rolloutUser?: string | undefined;
        email?: string | undefined;
      }
    | undefined;
  /** the identity of the approver's that the runner matched, when the plan binds the name to identities */
  identity?: string | undefined;
}

export interface PhaseRecord {
  name: string;
  enteredAt: string;
  leftAt?: string | undefined;
  /** how many times the phase was entered (a reduce re-enters the previous phase) */
  visits: number;
  checklist: Record<string, ChecklistAnswer>;
  approvals: Approval[];
  /** approvals given before a rollback started: kept for the record, never counted again */
  voidedApprovals?: Approval[] | undefined;
  flagBefore?: unknown;
  flagAfter?: unknown;
  /** what the phase's comparisons remember: sticky FAILs, τ², running minima of p (src/gates/comparison-types.ts) */
  stats?: PhaseStatsMemory | undefined;
  /** a light contingency served this variant to the canary at `at`: the phase's soak counts from then */
  served?: ServedVariant | undefined;
}

/** A variant of the flag served to the canary instead of `on` (a light contingency's `adjust-flags`). */
export interface ServedVariant {
  variant: string;
  at: string;
  /** its value as the plan gives it */
  value?: unknown;
}

/** One rollback step's outcome, saved as soon as it is known, so a re-run continues where this one stopped. */
export interface RollbackStepRecord {
  index: number;
  component: string;
  kind: 'flag' | 'run' | 'manual';
  status: 'done' | 'failed' | 'pending' | 'skipped';
  at: string;
  detail: string;
  durationMs: number;
  exitCode?: number | null | undefined;
  output?: string | undefined;
  /** a `when:` step's question and its answer (`by` is the operator, or "default" under --yes) */
  answer?: RollbackAnswer | undefined;
}

export interface RollbackAnswer {
  question: string;
  answer: 'yes' | 'no';
  by: string;
}

/** `rollout rollback --component NAME` of components without the flag step: the rollout is paused, not rolled back. */
export interface ComponentRollback {
  component: string;
  reason: string;
  startedAt: string;
  steps: RollbackStepRecord[];
  finishedAt?: string | undefined;
}

/** A blue-green component's side (plan `components:`): green once switched, blue again once switched back. */
export interface ComponentRecord {
  side: 'green' | 'blue';
  /** the last switch to green: when, in which phase, and how long the command took */
  switchedAt?: string | undefined;
  phase?: string | undefined;
  durationMs?: number | undefined;
  /** the last switch back to blue, and how long it took */
  switchedBackAt?: string | undefined;
  backDurationMs?: number | undefined;
  /** why it was switched back: a failed gate, a rollback */
  backReason?: string | undefined;
  /** true when a run died mid-switch: it may be green (the next switch or switch-back runs again) */
  uncertain?: boolean | undefined;
}

/** A rollback that started: `rolling-back` until every step is done (or pending an operator). */
export interface RollbackRecord {
  startedAt: string;
  reason: string;
  /** the phase it started in */
  phase: string;
  steps: RollbackStepRecord[];
  finishedAt?: string | undefined;
}

export interface RolloutState {
  version: 1;
  plan: string;
  status: RolloutStatus;
  phaseIndex: number;
  phase: string;
  /** the traffic the flag was last set to (a reduce may leave it below the phase's) */
  traffic: number;
  phases: Record<string, PhaseRecord>;
  startedAt: string;
  updatedAt: string;
  pausedAt?: string | undefined;
  pauseReason?: string | undefined;
  rolledBackAt?: string | undefined;
  completedAt?: string | undefined;
  /** the last (or current) rollback, step by step */
  rollback?: RollbackRecord | undefined;
  /** rollbacks of one component (`rollback --component`) that left the flag alone, oldest first */
  componentRollbacks?: ComponentRollback[] | undefined;
  /** blue-green components by name (plan `components:`) */
  components?: Record<string, ComponentRecord> | undefined;
  /** the last held or failed reason notified (`held:checklist,approvals`), so a gate notifies when its reason changes only */
  lastHeldKey?: string | undefined;
  /** true when ROLLOUT_NOW drove the clock at some point */
  simulatedClock?: boolean | undefined;
  /** the variant the flag serves instead of `on` since a light contingency; kept when the rollout advances */
  served?: ServedVariant | undefined;
  /** the id of the last side effect this state records, so a crashed run's effect is never recorded twice */
  lastEffect?: string | undefined;
  /** notes people added (`rollout note`): the issue log and the user-feedback section read them */
  notes?: NoteRecord[] | undefined;
  /** digests sent or being sent, by `audience::key::notifier` (engine/flows/digest.ts): nothing is sent twice */
  digests?: Record<string, DigestRecord> | undefined;
  /** the last journal seq when the state was saved (set by the store): a journal that ends before it lost lines */
  journalSeq?: number | undefined;
}

export interface JournalEntry {
  /** the journal format's version (journal-events.ts); absent in entries written before it: version 1 */
  v?: number | undefined;
  seq: number;
  at: string;
  /** `ROLLOUT_NOW` when the tool's clock was set by the environment */
  clock: 'system' | 'ROLLOUT_NOW';
  type: string;
  phase?: string | undefined;
  /** for effects: the id that ties `effect.start` to `effect.done` / `effect.failed` */
  effect?: string | undefined;
  data: Record<string, unknown>;
}

/** What commands need from the journal, gathered in one streaming pass (the journal is never held whole). */
export interface JournalSummary {
  /** the last seq; 0 for an empty journal */
  lastSeq: number;
  /** the last entry's time and clock, for the clock guard */
  last?: { at: string; clock: JournalEntry['clock']; type: string; entry?: JournalEntry } | undefined;
  /** effects journaled as started with no outcome: what a crashed run may have left half-done */
  open: JournalEntry[];
  /** a torn last line (a crash mid-append): tolerated until a state-changing command removes it */
  torn?: { line: number; text: string } | undefined;
  /** where the journal lives, for messages */
  file: string;
}

/** Where state lives. The file store is the first; a PostgreSQL store implements the same. */
export interface StateStore {
  /**
   * The state as stored (validated against the plan by the engine), or undefined when the rollout
   * has not started. Throws RolloutError('corrupt') when it cannot be read, or when the journal ends
   * before the seq the state was saved at.
   */
  load(): Promise<RolloutState | undefined>;
  /** Replaces the state atomically (readers see the old or the new state, never half of it); stamps `journalSeq`. */
  save(state: RolloutState): Promise<void>;
  /** Appends one entry, durable before it returns; seq is assigned by the store. */
  append(entry: Omit<JournalEntry, 'seq'>): Promise<JournalEntry>;
  /** The journal (or the entries `keep` accepts), read as a stream and checked line by line. */
  journal(keep?: (e: JournalEntry) => boolean): Promise<JournalEntry[]>;
  /** The journal one entry at a time, checked as it is read, for output too long to hold. */
  entries(): AsyncIterable<JournalEntry>;
  /** seq, last entry, open effects and a torn tail, in one streaming pass; throws RolloutError('corrupt'). */
  summary(): Promise<JournalSummary>;
  /**
   * The journal folded into what reports need (journal-digest.ts), kept up to date by append: the file
   * store folds only the lines after its checkpoint. Throws RolloutError('corrupt') as `summary` does.
   */
  digest(): Promise<JournalDigest>;
  /** Removes a torn last line (under the lock); returns what was removed. */
  repairTornTail(): Promise<{ line: number; text: string } | undefined>;
  /** Takes the rollout's lock or throws RolloutError('locked') naming the holder. */
  lock(): Promise<Lock>;
  /** Who holds the lock now, when a live run does (its effects are in progress, not interrupted). */
  activeHolder(): Promise<string | undefined>;
  /**
   * Throws RolloutError('locked') when a lock this store took is no longer ours. save and append
   * check it themselves; the engine calls it before every other write (flag, commands).
   */
  verifyLock(): Promise<void>;
  /** where it lives, for messages */
  describe(): string;
}

export interface Lock {
  release(): Promise<void>;
  /**
   * true for the lock of a store that only records (a dry run): nothing is written under it, so the
   * command reads the rollout as a read-only one does (findings are warnings, nothing is repaired).
   */
  readOnly?: boolean | undefined;
}
