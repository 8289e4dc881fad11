/**
 * The PostgreSQL backend (`state: { backend: postgres, url: ... }`): the file backend's semantics on
 * a database that every runner shares. The state is one row replaced in a transaction (readers see
 * the old or the new state); the journal is a table with one row per entry and a seq per plan, each
 * append committed before it returns; the lock is a session-level advisory lock (pg-lock.ts). While
 * this store holds the lock, every write checks inside its transaction that the lock is still held
 * by its connection. A database append is whole or absent: there is never a torn entry to repair.
 */
import type { Pool } from 'pg';
import { RolloutError } from '../errors.js';
import { redactValue } from '../redact.js';
import { stripControlsValue } from '../sanitize.js';
import { describeHolder } from './file-lock.js';
import { isDigest } from './journal-checkpoint.js';
import { emptyDigest, foldEntry, type JournalDigest } from './journal-digest.js';
import { pgError, pgPool, pgTarget, inTransaction, type PgTarget } from './pg-connect.js';
import { acquirePgLock, pgLockHeld, readPgHolder, STILL_HELD, type PgHeldLock } from './pg-lock.js';
import { lockKey } from './pg-schema.js';
import type { JournalEntry, JournalSummary, Lock, RolloutState, StateStore } from './types.js';

export interface PgStoreOptions {
  url: string;
  plan: string;
  lockWaitMs?: number;
  now: () => Date;
}

const CLOSES = ['effect.done', 'effect.failed', 'effect.interrupted'];
const PAGE = 500;

export function createPgStore(opts: PgStoreOptions): StateStore {
  const target: PgTarget = pgTarget(opts.url);
  const where = `postgres ${target.where} (plan "${opts.plan}")`;
  let held: PgHeldLock | undefined;
  /** the journal's digest as this store knows it (kept up to date by append), and the seq of the checkpoint read */
  let known: { digest: JournalDigest; checkpointed: number } | undefined;

  /** whether this store appended while it held the lock (its run then leaves a checkpoint behind) */
  let appended = false;

  /**
   * Under the lock, when the journal grew past the checkpoint: the digest saved with the md5 of its last
   * entry. A run that appended without reading the digest folds it first (the checkpoint and the rows
   * after it), so the next command reads few rows whichever command ran before it.
   */
  const writeCheckpoint = async (): Promise<void> => {
    if (!known && appended) {
      try {
        await store.digest();
      } catch {
        return; // a cache: without it the next command folds every row
      }
    }
    const k = known;
    const h = held;
    if (!k || !h || k.digest.lastSeq <= k.checkpointed) return;
    try {
      await db('could not save the journal checkpoint', (pool) =>
        inTransaction(pool, async (c) => {
          if (!(await c.query<{ held: boolean }>(stillHeldSql(h))).rows[0]?.held) return;
          await c.query(
            `INSERT INTO rollout_journal_checkpoint (plan, seq, entry_md5, digest)
               SELECT $1, $2, md5(entry), $3 FROM rollout_journal WHERE plan = $1 AND seq = $2
             ON CONFLICT (plan) DO UPDATE SET seq = EXCLUDED.seq, entry_md5 = EXCLUDED.entry_md5, digest = EXCLUDED.digest`,
            [opts.plan, k.digest.lastSeq, JSON.stringify(k.digest)],
          );
        }),
      );
      k.checkpointed = k.digest.lastSeq;
    } catch {
      // a cache: without it the next command folds every row
    }
  };

  /** Runs `fn` with the pool; a connection or query failure becomes an error naming the server only. */
  const db = async <T>(doing: string, fn: (pool: Pool) => Promise<T>): Promise<T> => {
    const pool = await pgPool(target);
    try {
      return await fn(pool);
    } catch (e) {
      throw pgError(target, e, doing);
    }
  };
  const lost = () =>
    new RolloutError(
      'locked',
      `this run lost its lock on "${opts.plan}" in ${where}; it stopped without writing anything more`,
      {
        hint: 'check `rollout status`: the run that holds the lock now records (or reconciles) what this one did',
      },
    );
  const stillHeldSql = (h: PgHeldLock) =>
    `SELECT ${STILL_HELD.replace('$KEY', String(lockKey(opts.plan) >>> 0)).replace('$PID', String(h.backendPid))} AS held`;

  const parse = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new RolloutError('corrupt', `${what} in ${where} is not valid JSON`, {
        hint: 'restore it from a backup, or repair the row by hand',
        cause: e,
      });
    }
  };

  const lastSeq = async (pool: Pool): Promise<number> => {
    const r = await pool.query<{ s: number | null }>('SELECT max(seq) AS s FROM rollout_journal WHERE plan = $1', [
      opts.plan,
    ]);
    return r.rows[0]?.s ?? 0;
  };

  async function* entries(from = 0): AsyncGenerator<JournalEntry> {
    let after = from;
    for (;;) {
      const rows = await db(
        'could not be read',
        async (pool) =>
          (
            await pool.query<{ seq: number; entry: string }>(
              'SELECT seq, entry FROM rollout_journal WHERE plan = $1 AND seq > $2 ORDER BY seq LIMIT $3',
              [opts.plan, after, PAGE],
            )
          ).rows,
      );
      for (const row of rows) {
        if (row.seq !== after + 1)
          throw new RolloutError(
            'corrupt',
            `the journal in ${where} jumps from seq ${after} to ${row.seq} (entries are missing); nothing was done`,
            { hint: 'restore the rollout_journal rows from a backup; rollout never renumbers entries itself' },
          );
        after = row.seq;
        yield parse(row.entry, `journal entry ${row.seq}`) as JournalEntry;
      }
      if (rows.length < PAGE) return;
    }
  }

  const store: StateStore = {
    describe: () => where,
    async load() {
      const row = await db('could not be read', async (pool) => {
        const r = await pool.query<{ state: string; journal_seq: number }>(
          'SELECT state, journal_seq FROM rollout_state WHERE plan = $1',
          [opts.plan],
        );
        const s = r.rows[0];
        return s && { ...s, last: await lastSeq(pool) };
      });
      if (!row) return undefined;
      if (row.last < row.journal_seq)
        throw new RolloutError(
          'corrupt',
          `the journal in ${where} was cut short: it ends at seq ${row.last}, but the state was saved after seq ${row.journal_seq}; entries were lost, nothing was done`,
          { hint: 'restore the rollout_journal rows from a backup' },
        );
      return parse(row.state, 'the state') as RolloutState;
    },
    async save(state) {
      await db('could not save the state', (pool) =>
        inTransaction(pool, async (c) => {
          if (held && !(await c.query<{ held: boolean }>(stillHeldSql(held))).rows[0]?.held) throw lost();
          const r = await c.query<{ s: number | null }>('SELECT max(seq) AS s FROM rollout_journal WHERE plan = $1', [
            opts.plan,
          ]);
          const seq = r.rows[0]?.s ?? 0;
          const stamped: RolloutState = { ...state, journalSeq: seq };
          await c.query(
            `INSERT INTO rollout_state (plan, state, journal_seq, updated_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (plan) DO UPDATE SET state = $2, journal_seq = $3, updated_at = now()`,
            [opts.plan, JSON.stringify(redactValue(stripControlsValue(stamped)), null, 2), seq],
          );
        }),
      );
    },
    async append(entry) {
      return db('could not append to the journal', (pool) =>
        inTransaction(pool, async (c) => {
          if (held && !(await c.query<{ held: boolean }>(stillHeldSql(held))).rows[0]?.held) throw lost();
          const r = await c.query<{ s: number | null }>('SELECT max(seq) AS s FROM rollout_journal WHERE plan = $1', [
            opts.plan,
          ]);
          const full: JournalEntry = redactValue(stripControlsValue({ seq: (r.rows[0]?.s ?? 0) + 1, ...entry }));
          await c.query('INSERT INTO rollout_journal (plan, seq, type, effect, entry) VALUES ($1, $2, $3, $4, $5)', [
            opts.plan,
            full.seq,
            full.type,
            full.effect ?? null,
            JSON.stringify(full),
          ]);
          return full;
        }),
      ).then((full) => {
        if (held) appended = true;
        if (known?.digest.lastSeq === full.seq - 1) foldEntry(known.digest, full);
        else known = undefined;
        return full;
      });
    },
    async journal(keep) {
      const out: JournalEntry[] = [];
      for await (const e of entries()) if (!keep || keep(e)) out.push(e);
      return out;
    },
    entries: () => entries(),
    async summary(): Promise<JournalSummary> {
      return db('could not be read', async (pool) => {
        const last = await pool.query<{ seq: number; entry: string }>(
          'SELECT seq, entry FROM rollout_journal WHERE plan = $1 ORDER BY seq DESC LIMIT 1',
          [opts.plan],
        );
        const open = await pool.query<{ entry: string }>(
          `SELECT j.entry FROM rollout_journal j WHERE j.plan = $1 AND j.type = 'effect.start' AND j.effect IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM rollout_journal k WHERE k.plan = j.plan AND k.effect = j.effect
               AND k.seq > j.seq AND k.type = ANY($2))
             AND NOT EXISTS (SELECT 1 FROM rollout_journal k WHERE k.plan = j.plan AND k.effect = j.effect
               AND k.seq > j.seq AND k.type = 'effect.start')
           ORDER BY j.seq`,
          [opts.plan, CLOSES],
        );
        const l = last.rows[0]
          ? (parse(last.rows[0].entry, `journal entry ${last.rows[0].seq}`) as JournalEntry)
          : undefined;
        return {
          file: where,
          lastSeq: l?.seq ?? 0,
          last: l ? { at: l.at, clock: l.clock, type: l.type, entry: l } : undefined,
          open: open.rows.map((r) => parse(r.entry, 'a journal entry') as JournalEntry),
        };
      });
    },
    async digest() {
      if (known) return known.digest;
      // the checkpoint when its entry is still the one it folded, then the rows after it
      const cp = await db('could not be read', async (pool) => {
        const r = await pool.query<{ seq: number; digest: string; same: boolean }>(
          `SELECT c.seq, c.digest, (j.entry IS NOT NULL AND md5(j.entry) = c.entry_md5) AS same
             FROM rollout_journal_checkpoint c LEFT JOIN rollout_journal j ON j.plan = c.plan AND j.seq = c.seq
            WHERE c.plan = $1`,
          [opts.plan],
        );
        return r.rows[0];
      });
      const saved = cp?.same ? savedDigest(cp.digest, cp.seq) : undefined;
      const d = saved ?? emptyDigest();
      // where the saved checkpoint stops, taken before the fold moves the digest on
      const checkpointed = d.lastSeq;
      for await (const e of entries(d.lastSeq)) foldEntry(d, e);
      known = { digest: d, checkpointed };
      return d;
    },
    async repairTornTail() {
      return undefined; // a committed row is whole: nothing is ever torn
    },
    async verifyLock() {
      const h = held;
      if (!h) return;
      const ok = await db('could not be read', async (pool) => (await pool.query(stillHeldSql(h))).rows[0]?.held);
      if (!ok) throw lost();
    },
    async activeHolder() {
      if (held) return undefined;
      return db('could not be read', async (pool) => {
        if (!(await pgLockHeld(pool, opts.plan))) return undefined;
        return describeHolder(await readPgHolder(pool, opts.plan));
      });
    },
    async lock(): Promise<Lock> {
      const lock = await db('could not lock the rollout', (pool) =>
        acquirePgLock({
          pool,
          plan: opts.plan,
          where: target.where,
          waitMs: opts.lockWaitMs ?? 8000,
          since: opts.now().toISOString(),
          command: process.argv.slice(2).join(' '),
        }),
      );
      held = lock;
      appended = false;
      known = undefined; // rows other runs appended while this one waited
      return {
        async release() {
          if (held === lock) {
            await writeCheckpoint();
            held = undefined;
          }
          await lock.release();
        },
      };
    },
  };
  return store;
}

/** A saved digest when it is one of this version at the seq it is saved at, whole; undefined otherwise (fold every row). */
function savedDigest(text: string, seq: number): JournalDigest | undefined {
  try {
    const d: unknown = JSON.parse(text);
    return isDigest(d, seq) ? d : undefined;
  } catch {
    return undefined;
  }
}
