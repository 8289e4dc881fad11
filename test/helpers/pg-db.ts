/**
 * A PostgreSQL database of the test file's own on the shared test server (ROLLOUT_TEST_PG_URL, which
 * must be set: a missing server fails the test, never skips it). Dropped when the file is done.
 */
import pg from 'pg';
import { postgresUrl } from './servers.js';

export async function createTestDatabase(tag: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgresUrl();
  const name = `rollout_t_${tag.replace(/\W/g, '_')}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      try {
        await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await d.end();
      }
    },
  };
}

/** Runs one query on the test database. */
export async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}
