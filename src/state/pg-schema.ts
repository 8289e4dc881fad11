/**
 * The PostgreSQL state schema, as numbered migrations: the tool applies the ones a database lacks
 * (pg-connect.ts) and records each in `rollout_schema_version`. Never edit a migration once
 * released: add the next one.
 *
 * - rollout_state: one row per plan, the state's JSON text exactly as saved (text, not jsonb, so an
 *   export gives back what was stored, key order included) and the journal seq it was saved at;
 * - rollout_journal: one row per entry, (plan, seq) unique, the entry's JSON text plus the columns
 *   the summary queries (type, effect);
 * - rollout_lock_holder: who holds a plan's advisory lock (pid, host, since, command), for messages;
 * - (2) rollout_journal_checkpoint: the journal's digest up to a seq (journal-digest.ts) and the md5 of
 *   that entry's text, so a command folds only the rows after it; a cache, read again whenever it does
 *   not match.
 */
export const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE rollout_state (
       plan text PRIMARY KEY,
       state text NOT NULL,
       journal_seq integer NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE TABLE rollout_journal (
       plan text NOT NULL,
       seq integer NOT NULL CHECK (seq > 0),
       type text NOT NULL,
       effect text,
       entry text NOT NULL,
       PRIMARY KEY (plan, seq)
     )`,
    `CREATE INDEX rollout_journal_effects ON rollout_journal (plan, effect) WHERE effect IS NOT NULL`,
    `CREATE TABLE rollout_lock_holder (
       plan text PRIMARY KEY,
       token text NOT NULL,
       pid integer NOT NULL,
       host text NOT NULL,
       since text NOT NULL,
       command text,
       backend_pid integer NOT NULL
     )`,
  ],
  [
    `CREATE TABLE rollout_journal_checkpoint (
       plan text PRIMARY KEY,
       seq integer NOT NULL CHECK (seq > 0),
       entry_md5 text NOT NULL,
       digest text NOT NULL
     )`,
  ],
];

/** The two keys of a plan's session-level advisory lock: a fixed class and a 32-bit FNV-1a hash of the plan's name. */
export const LOCK_CLASS = 1380928589; // 'RLLM'
export function lockKey(plan: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(plan, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
