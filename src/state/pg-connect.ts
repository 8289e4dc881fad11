/**
 * Connecting to the PostgreSQL state database: `pg` is loaded on first use (the start-up path never
 * pays for it), and every error names the server as `host:port/database`, never the URL: the URL
 * holds the password. The schema is created and migrated here, once per process and database.
 */
import type { Pool, PoolClient } from 'pg';
import { RolloutError } from '../errors.js';
import { MIGRATIONS } from './pg-schema.js';

export interface PgTarget {
  url: string;
  /** `host:port/database`, for messages */
  where: string;
  password: string | undefined;
}

/** The server a URL names, without its credentials; throws a usage error naming no part of the URL beyond that. */
export function pgTarget(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RolloutError('usage', 'state.url is not a URL', {
      hint: 'write it as postgres://USER:PASSWORD@HOST:5432/DATABASE (from a variable: url: "${DATABASE_URL}")',
    });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new RolloutError('usage', `state.url must start with postgres:// (it starts with ${u.protocol}//)`, {
      hint: 'write it as postgres://USER:PASSWORD@HOST:5432/DATABASE',
    });
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  return { url, where: `${u.hostname}:${u.port || '5432'}/${db}`, password };
}

/** A pg error as a RolloutError naming the server and never the password. */
export function pgError(t: PgTarget, e: unknown, doing: string): RolloutError {
  if (e instanceof RolloutError) return e;
  let text = e instanceof Error ? e.message : String(e);
  if (t.password) text = text.split(t.password).join('***');
  text = text.split(t.url).join(t.where);
  const code = (e as { code?: string }).code;
  return new RolloutError(
    'provider',
    `the state database ${t.where} ${doing}: ${text}${code ? ` (${code})` : ''}; nothing was changed`,
    {
      hint: 'check that the server runs and accepts this user (state.url in the plan); `rollout doctor PLAN` checks the connection',
    },
  );
}

const pools = new Map<string, Promise<Pool>>();

/**
 * One pool per database per process. Idle connections do not keep the process alive
 * (allowExitOnIdle), so a command ends when its work does.
 */
export function pgPool(t: PgTarget): Promise<Pool> {
  let p = pools.get(t.url);
  if (!p) {
    p = (async () => {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({
        connectionString: t.url,
        max: 4,
        allowExitOnIdle: true,
        connectionTimeoutMillis: 10_000,
        application_name: 'rollout',
      });
      pool.on('error', () => undefined); // an idle connection lost: the next query reports it
      try {
        await migrate(pool);
      } catch (e) {
        pools.delete(t.url);
        await pool.end().catch(() => undefined);
        throw pgError(t, e, 'could not be prepared');
      }
      return pool;
    })();
    pools.set(t.url, p);
  }
  return p;
}

/** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on any error). */
export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** Creates the tables, then applies every migration past the version the database records, under a lock. */
async function migrate(pool: Pool): Promise<void> {
  await inTransaction(pool, async (c) => {
    // one migrating run at a time per database (a transaction-level advisory lock)
    await c.query('SELECT pg_advisory_xact_lock(1380928588, 0)');
    await c.query(
      'CREATE TABLE IF NOT EXISTS rollout_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const r = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM rollout_schema_version');
    const current = r.rows[0]?.v ?? 0;
    if (current > MIGRATIONS.length)
      throw new RolloutError(
        'usage',
        `the state database's schema is version ${current}, newer than this rollout knows (${MIGRATIONS.length})`,
        { hint: 'upgrade rollout on this runner to the version the other runners use' },
      );
    for (let v = current + 1; v <= MIGRATIONS.length; v++) {
      for (const sql of MIGRATIONS[v - 1]!) await c.query(sql);
      await c.query('INSERT INTO rollout_schema_version (version) VALUES ($1)', [v]);
    }
  });
}

/** Ends every pool this process opened (tests; a command's idle connections never hold the process). */
export async function closePgPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.end()));
}
