/** The rollout's recorded state and its event journal. Plain data: the core reads it, stores keep it. */
export type RolloutStatus = 'not-started' | 'in-progress' | 'paused' | 'rolled-back' | 'completed';

export interface ChecklistAnswer {
  id: string;
  text: string;
  status: 'done' | 'skipped' | 'failed';
  by: string;
  at: string;
  reason?: string | undefined;
  command?: string | undefined;
  exitCode?: number | null | undefined;
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
  runner?: { os: string; host: string; github?: string | undefined; gitlab?: string | undefined; rolloutUser?: string | undefined; email?: string | undefined } | undefined;
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
  flagBefore?: unknown;
  flagAfter?: unknown;
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
  /** the last held or failed reason notified (`held:checklist,approvals`), so a gate notifies when its reason changes only */
  lastHeldKey?: string | undefined;
  /** true when ROLLOUT_NOW drove the clock at some point */
  simulatedClock?: boolean | undefined;
}

export interface JournalEntry {
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

/** Where state lives. The file store is the first; a PostgreSQL store implements the same. */
export interface StateStore {
  /** The state, or undefined when the rollout has not started. */
  load(): Promise<RolloutState | undefined>;
  /** Replaces the state atomically: readers see the old or the new state, never half of it. */
  save(state: RolloutState): Promise<void>;
  /** Appends one entry, durable before it returns; seq is assigned by the store. */
  append(entry: Omit<JournalEntry, 'seq'>): Promise<JournalEntry>;
  journal(): Promise<JournalEntry[]>;
  /** Takes the rollout's lock or throws RolloutError('locked') naming the holder. */
  lock(): Promise<Lock>;
  /** where it lives, for messages */
  describe(): string;
}

export interface Lock {
  release(): Promise<void>;
}
