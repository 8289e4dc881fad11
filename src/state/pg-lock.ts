/**
 * A plan's lock on PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a
 * connection of its own for the whole command. The server releases it when that connection ends,
 * so a run that crashed (kill -9, a lost runner) never leaves a lock behind: no staleness rules.
 * The holder row names who holds it (pid, host, since, command) for the "another run holds the
 * lock" message (exit 5); it is overwritten by the next holder.
 */
import { hostname } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import { RolloutError } from '../errors.js';
import { redactValue } from '../redact.js';
import { describeHolder, type LockHolder } from './file-lock.js';
import { LOCK_CLASS, lockKey } from './pg-schema.js';

export interface PgHeldLock {
  /** the server process of the lock's connection, to check inside a write that the lock is still held */
  backendPid: number;
  release(): Promise<void>;
}

export async function readPgHolder(pool: Pool, plan: string): Promise<LockHolder | undefined> {
  const r = await pool.query<LockHolder>(
    'SELECT token, pid, host, since, command FROM rollout_lock_holder WHERE plan = $1',
    [plan],
  );
  return r.rows[0];
}

/** Whether a live session holds the plan's lock now (its holder row may be left from a crashed run). */
export async function pgLockHeld(pool: Pool, plan: string): Promise<boolean> {
  const r = await pool.query(
    `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::bigint::oid
       AND objid = $2::bigint::oid AND objsubid = 2 AND granted`,
    [LOCK_CLASS, lockKey(plan) >>> 0],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The SQL condition, for a write's transaction, that the lock held by backend $1 is still held. */
export const STILL_HELD = `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${LOCK_CLASS}::bigint::oid
  AND objid = $KEY::bigint::oid AND objsubid = 2 AND pid = $PID AND granted)`;

export async function acquirePgLock(args: {
  pool: Pool;
  plan: string;
  where: string;
  waitMs: number;
  since: string;
  command: string;
}): Promise<PgHeldLock> {
  const key = lockKey(args.plan);
  const client: PoolClient = await args.pool.connect();
  // a lock connection that ends is a lost lock: the next write's check says so
  const onError = () => undefined;
  client.on('error', onError);
  let ok = false;
  try {
    const deadline = Date.now() + args.waitMs;
    for (;;) {
      const r = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS got', [LOCK_CLASS, key]);
      if (r.rows[0]?.got) break;
      if (Date.now() >= deadline) {
        const h = await readPgHolder(args.pool, args.plan);
        throw new RolloutError(
          'locked',
          `another run holds the lock on "${args.plan}" in the state database ${args.where}: ${describeHolder(redactValue(h))}`,
          {
            hint: 'wait for it to finish and run again; the database releases the lock as soon as its run ends, even a crashed one',
          },
        );
      }
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 150));
    }
    const pidRow = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backendPid = pidRow.rows[0]!.pid;
    const holder: LockHolder = {
      token: globalThis.crypto.randomUUID(),
      pid: process.pid,
      host: hostname(),
      since: args.since,
      command: args.command,
    };
    await client.query(
      `INSERT INTO rollout_lock_holder (plan, token, pid, host, since, command, backend_pid)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (plan) DO UPDATE SET token = $2, pid = $3, host = $4, since = $5, command = $6, backend_pid = $7`,
      [args.plan, holder.token, holder.pid, holder.host, holder.since, redactValue(holder.command) ?? null, backendPid],
    );
    ok = true;
    return {
      backendPid,
      async release() {
        try {
          await client.query('DELETE FROM rollout_lock_holder WHERE plan = $1 AND token = $2', [
            args.plan,
            holder.token,
          ]);
          await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]);
          client.off('error', onError);
          client.release();
        } catch (e) {
          client.release(e instanceof Error ? e : true); // the connection's end releases the lock
        }
      },
    };
  } finally {
    if (!ok) client.release(true);
  }
}
