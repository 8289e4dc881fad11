/**
 * The journal folded into what commands and phase reports need, one entry at a time: the last seq and
 * entry, the effects still open, whether the clock was ever simulated, how many entries of each type,
 * and per phase the last entry of each type, the timeline and the blue-green component effects. A
 * check every minute for days adds to counts, not to the digest's size: consecutive held checks with
 * the same verdict are one timeline row with a count. Pure; the stores keep it beside the journal as
 * a checkpoint (file-store.ts) so a command folds only what was appended since.
 */
import type { JournalEntry } from './types.js';

/** One line of a phase's timeline: the first entry of a run of like entries, how many, and the last one's time. */
export interface TimelineRow {
  entry: JournalEntry;
  count: number;
  lastAt: string;
}

export interface PhaseDigest {
  /** the last entry of each type in the phase */
  last: Record<string, JournalEntry>;
  /** the last `rollout.*` entry in the phase (the outcome of its last gate, when after it) */
  lastRollout?: JournalEntry | undefined;
  timeline: TimelineRow[];
  /** the `effect.*` entries of the phase's component checks and switches, in order */
  components: JournalEntry[];
  /** the row the next entry of a repeated check merges into (a held check is a gate and a hold) */
  expect?: number | undefined;
  /** the issue log's facts: incidents a gate saw, holds and failures with the reasons of their gate */
  issues: IssueRow[];
  /** the reasons of the phase's last gate, for the hold or failure that follows it */
  reasons: string[];
}

export interface IssueRow {
  at: string;
  lastAt: string;
  count: number;
  kind: 'incident' | 'held' | 'failed';
  /** the incident's detail, or the gate's reasons */
  text: string[];
  actor: string;
}

export interface JournalDigest {
  /** the digest format's version: a checkpoint of another version is read again from the journal */
  v: 1;
  lastSeq: number;
  last?: JournalEntry | undefined;
  /** effects journaled as started with no outcome */
  open: JournalEntry[];
  /** true when some entry was journaled under ROLLOUT_NOW */
  simulated: boolean;
  counts: Record<string, number>;
  phases: Record<string, PhaseDigest>;
}

const CLOSES = new Set(['effect.done', 'effect.failed', 'effect.interrupted']);
/** what a check every few minutes journals again and again: such entries merge into a recent like row */
const REPEATED = new Set(['gate.evaluated', 'rollout.held']);

export const emptyDigest = (): JournalDigest => ({
  v: 1,
  lastSeq: 0,
  open: [],
  simulated: false,
  counts: {},
  phases: {},
});

/** Records keyed by text from the journal (a phase or type named `__proto__` is a key like any other). */
const ownOf = <T>(o: Record<string, T>, key: string): T | undefined => (Object.hasOwn(o, key) ? o[key] : undefined);
function setOwn<T>(o: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

/** The timeline's copy of an entry: a gate's row needs its verdict and decision only, not its criteria. */
function rowEntry(e: JournalEntry): JournalEntry {
  if (e.type !== 'gate.evaluated') return e;
  const { verdict, decision } = e.data as { verdict?: unknown; decision?: unknown };
  return { ...e, data: { verdict, decision } };
}

const likeRow = (row: TimelineRow, e: JournalEntry): boolean =>
  row.entry.type === e.type &&
  (e.type !== 'gate.evaluated' ||
    (row.entry.data['verdict'] === e.data['verdict'] && row.entry.data['decision'] === e.data['decision']));

/**
 * The row a repeated entry merges into, if any: the row it continues (a hold after its gate), the last
 * row when like it, or the row before last when a check starts again (gate, hold, gate: the second gate
 * joins the first, and its hold then joins the first hold). Rows keep their order: nothing merges
 * across a different verdict.
 */
function repeatedRow(p: PhaseDigest, e: JournalEntry): number | undefined {
  const n = p.timeline.length;
  const expected = p.expect;
  if (expected !== undefined && expected < n && likeRow(p.timeline[expected]!, e)) {
    p.expect = expected + 1 < n ? expected + 1 : undefined;
    return expected;
  }
  if (n >= 1 && likeRow(p.timeline[n - 1]!, e)) {
    p.expect = undefined;
    return n - 1;
  }
  if (
    e.type === 'gate.evaluated' &&
    n >= 2 &&
    likeRow(p.timeline[n - 2]!, e) &&
    REPEATED.has(p.timeline[n - 1]!.entry.type)
  ) {
    p.expect = n - 1;
    return n - 2;
  }
  return undefined;
}

/** Folds one entry in (the digest is changed in place: a journal of any length is folded without copies). */
export function foldEntry(d: JournalDigest, e: JournalEntry): JournalDigest {
  d.lastSeq = e.seq;
  d.last = e;
  if (e.clock === 'ROLLOUT_NOW') d.simulated = true;
  setOwn(d.counts, e.type, (ownOf(d.counts, e.type) ?? 0) + 1);
  if (e.effect) {
    if (e.type === 'effect.start') {
      const at = d.open.findIndex((o) => o.effect === e.effect);
      d.open = at < 0 ? [...d.open, e] : d.open.map((o, i) => (i === at ? e : o));
    } else if (CLOSES.has(e.type)) d.open = d.open.filter((o) => o.effect !== e.effect);
  }
  if (e.phase === undefined) return d;
  const p =
    ownOf(d.phases, e.phase) ??
    setOwn(d.phases, e.phase, { last: {}, timeline: [], components: [], issues: [], reasons: [] });
  foldIssues(p, e);
  setOwn(p.last, e.type, e);
  if (e.type.startsWith('rollout.')) p.lastRollout = e;
  if (e.effect && String(e.data['action'] ?? '').startsWith('component.')) p.components.push(e);
  const row = REPEATED.has(e.type) ? repeatedRow(p, e) : undefined;
  if (row === undefined) {
    p.expect = undefined;
    p.timeline.push({ entry: rowEntry(e), count: 1, lastAt: e.at });
  } else {
    p.timeline[row]!.count++;
    p.timeline[row]!.lastAt = e.at;
  }
  return d;
}

/** The issue log's rows: a check repeated with the same facts adds to a recent row's count (a check writes up to two). */
function foldIssues(p: PhaseDigest, e: JournalEntry): void {
  const add = (row: Omit<IssueRow, 'lastAt' | 'count'>) => {
    const key = (r: Omit<IssueRow, 'lastAt' | 'count'>) => JSON.stringify([r.kind, r.text, r.actor]);
    const same = p.issues.slice(-2).find((r) => key(r) === key(row));
    if (same) {
      same.count++;
      same.lastAt = row.at;
    } else p.issues.push({ ...row, lastAt: row.at, count: 1 });
  };
  if (e.type === 'gate.evaluated') {
    const reasons = e.data['reasons'];
    p.reasons = Array.isArray(reasons) ? reasons.map(String) : [];
    const criteria = Array.isArray(e.data['criteria']) ? (e.data['criteria'] as Record<string, unknown>[]) : [];
    for (const c of criteria)
      if (c?.['kind'] === 'incidents' && c['verdict'] !== 'pass')
        add({ at: e.at, kind: 'incident', text: [String(c['detail'] ?? '')], actor: '-' });
  }
  if (e.type === 'rollout.held' || e.type === 'rollout.failed')
    add({
      at: e.at,
      kind: e.type === 'rollout.held' ? 'held' : 'failed',
      text: p.reasons,
      actor: String(e.data['actor'] ?? '-'),
    });
}

/** The digest of a list of entries (in seq order). */
export function digestOf(entries: Iterable<JournalEntry>): JournalDigest {
  const d = emptyDigest();
  for (const e of entries) foldEntry(d, e);
  return d;
}

/** How many entries have a type that `match` accepts. */
export function countOf(d: JournalDigest, match: (type: string) => boolean): number {
  let n = 0;
  for (const [type, count] of Object.entries(d.counts)) if (match(type)) n += count;
  return n;
}

/** The last entry of a type in a phase. */
export const lastOfPhase = (d: JournalDigest, phase: string, type: string): JournalEntry | undefined => {
  const p = ownOf(d.phases, phase);
  return p && ownOf(p.last, type);
};

/** What the digest knows of a phase. */
export const phaseOf = (d: JournalDigest, phase: string): PhaseDigest | undefined => ownOf(d.phases, phase);
