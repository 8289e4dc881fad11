/**
 * End to end against real servers: the reference rollout shape (plans/prometheus-unleash.yaml) with
 * metrics from the backfilled Prometheus, traffic through Unleash and incidents from Alertmanager,
 * driven through the built binary with ROLLOUT_NOW stepping through the Prometheus history.
 * The history's canary has a latency regression from END-30h to END-26h (scripts/servers/README.md).
 * Unleash's own evaluator (the advanced playground) proves who gets the feature.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explain, REPO, rollout, type CliResult } from '../helpers/cli.js';
import { expectNoSecretIn, filesUnder } from '../helpers/files.js';
import { alertmanagerUrl, prometheusUrl, promEnd, unleash } from '../helpers/servers.js';

const PLAN = 'plans/prometheus-unleash.yaml';
const USERS = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
const flag = `recs-e2e-${process.pid}-${Date.now().toString(36)}`;
let dir: string;
let env: Record<string, string>;
let end: number;
const at = (hoursBeforeEnd: number) => new Date((end - hoursBeforeEnd * 3600) * 1000).toISOString();

async function admin(method: string, url: string, body?: unknown): Promise<{ status: number; data: any }> {
  const u = unleash();
  const res = await fetch(`${u.url}${url}`, {
    method,
    headers: { Authorization: u.token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}

/** The users of 2000 with this context who get the flag, by Unleash's own evaluation. */
async function exposedUsers(context: Record<string, string>): Promise<string[]> {
  const { status, data } = await admin('POST', '/api/admin/playground/advanced', {
    projects: ['default'],
    environments: ['production'],
    context: { appName: 'rollout-e2e', userId: USERS.join(','), ...context },
  });
  expect(status).toBe(200);
  const feature = data.features.find((f: { name: string }) => f.name === flag);
  const results: { isEnabled: boolean; context: { userId: string } }[] = feature.environments.production;
  expect(results).toHaveLength(USERS.length);
  return results.filter((r) => r.isEnabled).map((r) => r.context.userId);
}
const exposed = async (context: Record<string, string>): Promise<number> => (await exposedUsers(context)).length;
/** technical users who are not active: canary-25's audience leaves them out, its keep strategy keeps them */
const TECH_IDLE = { profile: 'technical', activity: 'idle' };
let techIdleAt5: string[] = [];

const run = (args: string[], now: string): Promise<CliResult> =>
  rollout([...args.slice(0, 1), PLAN, ...args.slice(1)], { cwd: dir, now, env, timeoutMs: 60_000 });

beforeAll(() => {
  end = promEnd();
  dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-e2e-'));
  cpSync(path.join(REPO, 'plans'), path.join(dir, 'plans'), { recursive: true });
  rmSync(path.join(dir, 'plans', '.rollout-prom'), { recursive: true, force: true });
  const planFile = path.join(dir, PLAN);
  // The history spans END-72h..END. canary-5 is entered at END-47h (its baseline window must lie inside
  // the history) and soaks 46h instead of 48h, so it can leave at END-1h with a window still covered;
  // canary-25 soaks 30m instead of 72h and judges a 30m window (a phase holds until it has covered its
  // window since it was entered), so full is reached at END-30m, still inside the history.
  writeFileSync(
    planFile,
    readFileSync(planFile, 'utf8')
      .replace('key: recommendations-v2', `key: ${flag}`)
      .replace('minDuration: 48h', 'minDuration: 46h')
      .replace('minDuration: 72h', 'minDuration: 30m\n    advance: { sloWindow: 30m }')
      // alerts of other tests on the shared Alertmanager must not reach this rollout
      .replace(`filter: 'service="recommendations"'`, `filter: ['service="recommendations"', 'run="${flag}"']`),
  );
  env = {
    UNLEASH_URL: unleash().url,
    UNLEASH_TOKEN: unleash().token,
    PROMETHEUS_URL: prometheusUrl(),
    ALERTMANAGER_URL: alertmanagerUrl(),
    ROLLOUT_NO_CACHE: '1',
  };
});

afterAll(async () => {
  await admin('DELETE', `/api/admin/projects/default/features/${flag}`).catch(() => undefined);
  if (dir && !process.env['ROLLOUT_KEEP_TMP']) rmSync(dir, { recursive: true, force: true });
});

describe('reference rollout on Prometheus + Unleash + Alertmanager', () => {
  it('validates and the doctor finds every provider and a covered window', async () => {
    expect((await run(['validate'], at(47))).code).toBe(0);
    const doctor = await run(['doctor', '--json'], at(47));
    expect(doctor.code).toBe(0);
    expect(doctor.json().findings.every((f: { ok: boolean }) => f.ok)).toBe(true);
  });

  it('pre-deploy → canary-5: ~5% of the technical audience, nobody outside it', async () => {
    expect((await run(['checklist', '--yes'], at(47))).code).toBe(0);
    expect((await run(['approve', '--by', 'tech-lead'], at(47))).code).toBe(0);
    const r = await run(['advance', '--json'], at(47));
    expect(r.code).toBe(0);
    const d = r.json();
    expect(d).toMatchObject({ decision: 'advanced', from: 'pre-deploy', to: 'canary-5', traffic: 5 });
    // the baseline was judged on control data from Prometheus, with numbers
    const p95 = d.criteria.find((c: { name: string }) => c.name === 'latency_p95');
    expect(p95).toMatchObject({ verdict: 'pass', cohort: 'control' });
    expect(p95.points).toBeGreaterThan(1000);
    expect(p95.worst.value).toBeLessThan(0.5);
    const inside = await exposed({ profile: 'technical' });
    expect(inside).toBeGreaterThan(2000 * 0.025);
    expect(inside).toBeLessThan(2000 * 0.08);
    expect(await exposed({ profile: 'other' })).toBe(0);
    techIdleAt5 = await exposedUsers(TECH_IDLE);
    expect(techIdleAt5.length).toBeGreaterThan(2000 * 0.025);
  });

  it('the canary latency regression in the window fails the gate (exit 4) even during the soak, and the flag stays', async () => {
    const r = await run(['advance', '--json'], at(25));
    expect(r.code).toBe(4);
    const d = r.json();
    expect(d.decision).toBe('failed');
    const p95 = d.criteria.find((c: { name: string }) => c.name === 'latency_p95');
    expect(p95.verdict).toBe('fail');
    expect(p95.cohort).toBe('canary');
    expect(p95.worst.value).toBeGreaterThan(0.5);
    expect(p95.detail).toMatch(/breaks the SLO < 0\.5 s/);
    expect(d.criteria.find((c: { name: string }) => c.name === 'minDuration').verdict).toBe('hold');
    expect(d.contingency).toMatchObject({ level: 'moderate', action: 'reduce-traffic', applied: false });
    const st = await run(['status', '--json'], at(25));
    expect(st.json()).toMatchObject({ phase: 'canary-5', traffic: 5 });
    const inside = await exposed({ profile: 'technical' });
    expect(inside).toBeGreaterThan(2000 * 0.025);
    expect(inside).toBeLessThan(2000 * 0.08);
  });

  it('once the window is clean and the soak is over: canary-25 at ~25% of active users, nobody else', async () => {
    expect((await run(['approve', '--by', 'head-of-engineering'], at(1))).code).toBe(0);
    const r = await run(['advance', '--json'], at(1));
    if (r.code !== 0) throw new Error(explain(r));
    expect(r.json()).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', traffic: 25 });
    const active = await exposed({ activity: 'active' });
    expect(active).toBeGreaterThan(2000 * 0.2);
    expect(active).toBeLessThan(2000 * 0.3);
    expect(await exposed({ activity: 'idle' })).toBe(0);
    // exposure only grows: every technical user who had it at canary-5 keeps it, and nobody new joins them
    expect(await exposedUsers(TECH_IDLE)).toEqual(techIdleAt5);
    // the journal says which keep strategy exists
    const journal = readFileSync(
      path.join(dir, 'plans', '.rollout-prom', 'recommendations-prom-unleash.journal.jsonl'),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const done = journal.filter((e) => e.type === 'effect.done' && e.data?.action === 'flag.set-traffic').at(-1);
    expect(done.data.after.detail.kept).toEqual([
      expect.objectContaining({ title: 'rollout:recommendations-prom-unleash:keep:technical-users', rollout: 5 }),
    ]);
  });

  it('canary-25 → full: everyone gets the feature, in and out of the earlier audiences', async () => {
    expect((await run(['approve', '--by', 'product-manager'], at(0.5))).code).toBe(0);
    const r = await run(['advance', '--json'], at(0.5));
    if (r.code !== 0) throw new Error(explain(r));
    expect(r.json()).toMatchObject({ decision: 'advanced', from: 'canary-25', to: 'full', traffic: 100 });
    expect(await exposed({ activity: 'idle', profile: 'other' })).toBe(USERS.length);
    expect(await exposed({ activity: 'active' })).toBe(USERS.length);
  });

  it('a critical alert in Alertmanager fails the gate as severe; rollback turns the Unleash flag off', async () => {
    const now = new Date();
    const alert = [
      {
        labels: { alertname: `RolloutE2E${process.pid}`, severity: 'critical', service: 'recommendations', run: flag },
        annotations: { summary: 'canary 5xx' },
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + 10 * 60_000).toISOString(),
      },
    ];
    const post = await fetch(`${alertmanagerUrl()}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(alert),
    });
    expect(post.status).toBe(200);
    try {
      const c = await run(['check', '--json'], at(0.5));
      expect(c.code).toBe(4);
      const inc = c.json().criteria.find((x: { name: string }) => x.name === 'incidents');
      expect(inc).toMatchObject({ verdict: 'fail', level: 'severe' });
      expect(inc.detail).toContain(`RolloutE2E${process.pid}`);
      expect(c.json().contingency).toMatchObject({ level: 'severe', action: 'rollback' });
    } finally {
      alert[0]!.endsAt = new Date().toISOString();
      await fetch(`${alertmanagerUrl()}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(alert),
      });
    }
    const rb = await run(['rollback', '--yes', '--json'], at(0.5));
    expect(rb.code).toBe(0);
    expect(rb.json().steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done']);
    expect(await exposed({ activity: 'active' })).toBe(0);
    expect(await exposed({ activity: 'idle', profile: 'other' })).toBe(0);
    const st = await run(['status', '--json'], at(0.5));
    expect(st.json()).toMatchObject({ state: 'rolled-back', traffic: 0 });
  });

  it('the Unleash token appears nowhere the tool wrote', () => {
    const token = unleash().token;
    const files = filesUnder(path.join(dir, 'plans'));
    const written = files.filter((f) => f.includes('.rollout-prom') || f.includes(`${path.sep}reports${path.sep}`));
    expect(written.length).toBeGreaterThan(3);
    expectNoSecretIn(written, [token]);
  });
});
