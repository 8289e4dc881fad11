/**
 * `cache: true` on the Prometheus provider, through the built binary against the real server: a check
 * two minutes after another answers exactly as an uncached check does, and a cache entry that was
 * tampered with (its HMAC no longer verifies) is not used.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explain, REPO, rollout } from '../helpers/cli.js';
import { alertmanagerUrl, prometheusUrl, promEnd, unleash } from '../helpers/servers.js';

const PLAN = 'plans/prometheus-unleash.yaml';
let dir: string;
let cacheDir: string;
let env: Record<string, string>;
let end: number;
const at = (secondsBeforeEnd: number) => new Date((end - secondsBeforeEnd) * 1000).toISOString();

beforeAll(() => {
  end = promEnd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-prom-cache-'));
  cacheDir = path.join(dir, 'cache');
  cpSync(path.join(REPO, 'plans'), path.join(dir, 'plans'), { recursive: true });
  rmSync(path.join(dir, 'plans', '.rollout-prom'), { recursive: true, force: true });
  const file = path.join(dir, PLAN);
  const yaml = readFileSync(file, 'utf8');
  expect(yaml).toContain('step: 60s }');
  writeFileSync(
    file,
    yaml
      .replace('step: 60s }', 'step: 60s, cache: true }')
      // alerts other tests raise on the shared Alertmanager must not reach this rollout
      .replace(
        `filter: 'service="recommendations"'`,
        `filter: ['service="recommendations"', 'run="prom-cache-${process.pid}"']`,
      ),
  );
  env = {
    UNLEASH_URL: unleash().url,
    UNLEASH_TOKEN: unleash().token,
    PROMETHEUS_URL: prometheusUrl(),
    ALERTMANAGER_URL: alertmanagerUrl(),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `check --json` at a time, with the cache folder or with no cache; its criteria. */
async function criteria(now: string, cache: boolean) {
  const r = await rollout(['check', PLAN, '--json'], {
    cwd: dir,
    now,
    env: { ...env, ...(cache ? { ROLLOUT_CACHE_DIR: cacheDir } : { ROLLOUT_NO_CACHE: '1' }) },
    timeoutMs: 60_000,
  });
  if (r.code !== 3) throw new Error(explain(r));
  return r.json().criteria as { name: string; kind: string }[];
}
const metricsOf = (c: { kind: string }[]) => c.filter((x) => x.kind === 'metric');

describe('a Prometheus provider with cache: true', () => {
  it('a check two minutes later answers as an uncached check, and only then are entries kept', async () => {
    const first = await criteria(at(3600), true);
    expect(metricsOf(first).length).toBeGreaterThanOrEqual(2);
    const kept = readdirSync(cacheDir).filter((f) => f.startsWith('prom-'));
    expect(kept.length).toBeGreaterThanOrEqual(2);
    const second = await criteria(at(3480), true);
    expect(second).toEqual(await criteria(at(3480), false));
  });

  it('an entry tampered with (values changed, HMAC no longer verifies) is not used', async () => {
    await criteria(at(3000), true);
    for (const f of readdirSync(cacheDir).filter((x) => x.startsWith('prom-'))) {
      const entry = JSON.parse(readFileSync(path.join(cacheDir, f), 'utf8'));
      const body = JSON.parse(entry.body);
      expect(body.values.filter((v: unknown) => typeof v === 'number').length).toBeGreaterThan(100);
      body.values = body.values.map((v: unknown) => (typeof v === 'number' ? 0.001 : v));
      writeFileSync(path.join(cacheDir, f), JSON.stringify({ ...entry, body: JSON.stringify(body) }));
    }
    const after = await criteria(at(2880), true);
    expect(after).toEqual(await criteria(at(2880), false));
  });
});
