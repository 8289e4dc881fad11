/**
 * Issue 7 item 9, the standing secrets guard: the reference rollout (plans/recommendations.yaml: its
 * phases, checklist, committee, rollback and stakeholders) driven through the BUILT binary with every
 * provider a loopback fake and a recognisable fake secret in every provider setting that can hold one:
 * tokens and keys (some digits only, some with `"` and `\`), tokens inside URL paths (each provider is
 * reached through a gateway whose path carries a token), a Slack webhook URL, a signing secret and
 * credential headers. Every provider is then made to fail in every way the fakes allow (test/helpers/
 * fakes/*: each status with a body echoing the credentials, HTML, truncated and malformed bodies,
 * dropped connections, answers slower than the timeout, and a refused connection), and every file the
 * tool wrote, its stdout and stderr and every --json document are searched for the secrets in every
 * form (test/helpers/secrets.ts). None may be found.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { explain, REPO, rollout, type CliResult } from '../helpers/cli.js';
import { startDatadogFake, type DatadogFake } from '../helpers/fakes/datadog.js';
import { FaultQueue, sendJson, startServer, type Fault, type FakeServer } from '../helpers/fakes/http.js';
import { booleanFlag, startLaunchDarklyFake, type LaunchDarklyFake } from '../helpers/fakes/launchdarkly.js';
import { startPagerDutyFake, type PagerDutyFake } from '../helpers/fakes/pagerduty.js';
import { startSlackFake, type SlackFake } from '../helpers/fakes/slack.js';
import { leaksIn } from '../helpers/secrets.js';

const hex = (n = 8) => randomBytes(n).toString('hex');
const H = 3_600_000;
const T0 = Date.parse('2026-06-18T09:00:00Z');
const at = (hours: number) => new Date(T0 + hours * H).toISOString();

/** Recognisable fakes: FAKE… in every one, so a leak is unmistakable. */
const S = {
  LD_API_TOKEN: `api-FAKE-ld"tok\\${hex()}`,
  DD_API_KEY: `FAKEddapi${hex()}`,
  DD_APP_KEY: `FAKEddapp"\\${hex()}`,
  PAGERDUTY_TOKEN: `9${String(Date.now()).slice(-6)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`,
  SLACK_HOOK_SECRET: `FAKEslack${hex(12)}`,
  HOOK_SIGNING_SECRET: `FAKEsig"n\\${hex()}`,
  HOOK_AUTH: `FAKEhookauth${hex()}`,
  HOOK_PATH_TOKEN: `FAKEhookpath${hex()}`,
  WEB_TOKEN: `FAKEweb"t\\k${hex()}`,
  WEB_NUMERIC_KEY: `8${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}7`,
  LD_PATH_TOKEN: `FAKEldpath${hex()}`,
  DD_PATH_TOKEN: `FAKEddpath${hex()}`,
  PD_PATH_TOKEN: `FAKEpdpath${hex()}`,
  WEB_PATH_TOKEN: `FAKEwebpath${hex()}`,
};
const ECHO = Object.values(S).join(' | ');
const PLAN = 'plans/recommendations.yaml';
const FLAG = 'recommendations-v2';
const METRICS = [
  'latency_p95',
  'error_rate',
  'throughput',
  'acceptance_rate',
  'conversion_rate',
  'nps',
  'cpu_utilization',
  'memory_utilization',
  'db_response_time',
];
const HEALTHY: Record<string, number> = {
  latency_p95: 300,
  error_rate: 0.2,
  throughput: 1400,
  acceptance_rate: 12,
  conversion_rate: 3,
  nps: 40,
  cpu_utilization: 50,
  memory_utilization: 60,
  db_response_time: 40,
};

let ld: LaunchDarklyFake;
let dd: DatadogFake;
let pd: PagerDutyFake;
let slack: SlackFake;
let web: FakeServer & { faults: FaultQueue };
let hook: FakeServer & { faults: FaultQueue };
let gateway: http.Server;
let gatewayUrl: string;
let refusedUrl: string;
const dirs: string[] = [];
const runs: Array<{ label: string; r: CliResult }> = [];
const boxes: string[] = [];

/** A gateway in front of every fake: `/gw/<token>/…` → the fake the token names; anything else 404, echoing the path. */
async function startGateway(routes: Record<string, () => string>): Promise<void> {
  gateway = http.createServer((req, res) => {
    const m = /^\/gw\/([^/]+)(\/.*)?$/.exec(req.url ?? '');
    const target = m ? routes[decodeURIComponent(m[1]!)] : undefined;
    if (!m || !target) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: `no route for ${req.url}` }));
      return;
    }
    const up = new URL(m[2] ?? '/', target());
    const fwd = http.request(up, { method: req.method, headers: { ...req.headers, host: up.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
}

function seed(): void {
  for (const metric of METRICS) {
    for (const cohort of ['canary', 'control']) {
      const points: Array<[number, number]> = [];
      for (let t = T0 - 30 * H; t <= T0 + 160 * H; t += 5 * 60_000)
        points.push([t, HEALTHY[metric]! * (cohort === 'canary' ? 1.02 : 1)]);
      dd.setSeries(`${metric}{cohort:${cohort}}`, [{ tags: [`cohort:${cohort}`], points }]);
    }
  }
}

beforeAll(async () => {
  ld = await startLaunchDarklyFake({
    token: S.LD_API_TOKEN,
    project: 'recommendations',
    flags: [booleanFlag({ key: FLAG })],
  });
  dd = await startDatadogFake({ apiKey: S.DD_API_KEY, appKey: S.DD_APP_KEY });
  pd = await startPagerDutyFake({ token: S.PAGERDUTY_TOKEN });
  slack = await startSlackFake({ hookPath: `/services/TFAKE0/BFAKE0/${S.SLACK_HOOK_SECRET}` });
  const webFaults = new FaultQueue();
  web = Object.assign(
    await startServer(async (req, res) => {
      if (await webFaults.apply(req, res)) return;
      sendJson(res, 200, { value: 1234.5 });
    }),
    { faults: webFaults },
  );
  const hookFaults = new FaultQueue();
  hook = Object.assign(
    await startServer(async (req, res) => {
      if (await hookFaults.apply(req, res)) return;
      sendJson(res, 200, { ok: true });
    }),
    { faults: hookFaults },
  );
  await startGateway({
    [S.LD_PATH_TOKEN]: () => ld.url,
    [S.DD_PATH_TOKEN]: () => dd.url,
    [S.PD_PATH_TOKEN]: () => pd.url,
    [S.WEB_PATH_TOKEN]: () => web.url,
    [S.HOOK_PATH_TOKEN]: () => hook.url,
  });
  const closed = await startServer(() => undefined);
  refusedUrl = closed.url;
  await closed.close();
  seed();
});

afterAll(async () => {
  await Promise.all([ld?.close(), dd?.close(), pd?.close(), slack?.close(), web?.close(), hook?.close()]);
  await new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r()));
  if (!process.env['ROLLOUT_KEEP_TMP']) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The reference plan with every provider replaced by a fake reached through the gateway, secrets from the environment. */
function planText(): string {
  const doc = parseDocument(readReference());
  const http1 = 'timeout: 1s, totalTimeout: 3s, retries: 1';
  doc.set('flag', doc.createNode({ provider: 'ld', key: FLAG }));
  doc.set(
    'providers',
    parseDocument(`
flags:
  ld: { type: launchdarkly, project: recommendations, environment: production, token: "\${LD_API_TOKEN}", url: "\${LD_URL}", ${http1} }
metrics:
  dd: { type: datadog, apiKey: "\${DD_API_KEY}", appKey: "\${DD_APP_KEY}", url: "\${DD_URL}", ${http1} }
  web: { type: http, url: "\${WEB_URL}?q={{query}}", jsonPath: "$.value", headers: { Authorization: "Bearer \${WEB_TOKEN}", X-Api-Key: "\${WEB_NUMERIC_KEY}" }, ${http1} }
incidents:
  pd: { type: pagerduty, token: "\${PAGERDUTY_TOKEN}", serviceIds: [P1RECS0], url: "\${PD_URL}", ${http1} }
notifications:
  slack: { type: slack, webhookUrl: "\${SLACK_WEBHOOK_URL}", ${http1} }
  hook: { type: webhook, url: "\${HOOK_URL}", secret: "\${HOOK_SIGNING_SECRET}", headers: { Authorization: "\${HOOK_AUTH}" }, ${http1} }
`).contents,
  );
  doc.set(
    'audiences',
    doc.createNode({ 'technical-users': { segment: 'technical-users' }, 'active-users': { segment: 'active-users' } }),
  );
  const metrics = doc.get('metrics') as { items: Array<{ set(k: string, v: unknown): void; get(k: string): unknown }> };
  // The canary-vs-control comparisons read count series the fakes do not serve (test/cli/comparisons.test.ts covers them).
  metrics.items = metrics.items.filter((m) => m.get('kind') !== 'ratio');
  doc.delete('analysis');
  for (const m of metrics.items) {
    const name = String(m.get('name'));
    m.set('provider', name === 'nps' ? 'web' : 'dd');
    m.set('query', name === 'nps' ? 'nps' : `${name}{cohort:{{cohort}}}`);
  }
  doc.setIn(['advance', 'noOpenIncidents'], 'high');
  doc.set(
    'stakeholders',
    doc.createNode([
      {
        audience: 'Engineering team',
        channel: 'Slack',
        frequency: 'each change',
        owner: 'Tech Lead',
        notify: ['slack', 'hook'],
      },
    ]),
  );
  doc.set('reports', doc.createNode({ dir: 'reports', formats: ['md', 'json', 'html', 'junit'] }));
  return doc.toString();
}

function readReference(): string {
  return readFileSync(path.join(REPO, PLAN), 'utf8');
}

function env(refused = false): Record<string, string> {
  const gw = (token: string) => `${refused ? refusedUrl : gatewayUrl}/gw/${token}`;
  return {
    LD_API_TOKEN: S.LD_API_TOKEN,
    DD_API_KEY: S.DD_API_KEY,
    DD_APP_KEY: S.DD_APP_KEY,
    PAGERDUTY_TOKEN: S.PAGERDUTY_TOKEN,
    SLACK_WEBHOOK_URL: `${refused ? refusedUrl : slack.url}/services/TFAKE0/BFAKE0/${S.SLACK_HOOK_SECRET}`,
    HOOK_URL: `${gw(S.HOOK_PATH_TOKEN)}/deliver`,
    HOOK_SIGNING_SECRET: S.HOOK_SIGNING_SECRET,
    HOOK_AUTH: S.HOOK_AUTH,
    WEB_URL: `${gw(S.WEB_PATH_TOKEN)}/metrics`,
    WEB_TOKEN: S.WEB_TOKEN,
    WEB_NUMERIC_KEY: S.WEB_NUMERIC_KEY,
    LD_URL: gw(S.LD_PATH_TOKEN),
    DD_URL: gw(S.DD_PATH_TOKEN),
    PD_URL: gw(S.PD_PATH_TOKEN),
    ROLLOUT_NO_CACHE: '1',
  };
}

function newBox(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-secrets-'));
  dirs.push(dir);
  boxes.push(dir);
  cpSync(path.join(REPO, 'plans'), path.join(dir, 'plans'), { recursive: true });
  for (const d of ['.rollout', 'reports', '.rollout-dd', '.rollout-prom'])
    rmSync(path.join(dir, 'plans', d), { recursive: true, force: true });
  writeFileSync(path.join(dir, PLAN), planText());
  return dir;
}

function clone(dir: string): string {
  const to = mkdtempSync(path.join(os.tmpdir(), 'rollout-secrets-'));
  dirs.push(to);
  boxes.push(to);
  cpSync(dir, to, { recursive: true });
  return to;
}

async function run(dir: string, label: string, args: string[], now: string, refused = false): Promise<CliResult> {
  const r = await rollout([args[0]!, PLAN, ...args.slice(1)], { cwd: dir, now, env: env(refused), timeoutMs: 90_000 });
  runs.push({ label: `${label}: ${args.join(' ')}`, r });
  return r;
}

const ALL = (): Array<{ faults: FaultQueue }> => [ld, dd, pd, slack, web, hook];

/** Every way the fakes can fail, each echoing the credentials where a body can. */
const FAULTS: Array<[string, Fault]> = [
  ...[400, 401, 403, 404, 405, 409, 410, 429, 500, 502, 503, 504].map((status): [string, Fault] => [
    `status ${status}`,
    { kind: 'status', status, body: { message: `rejected: ${ECHO}`, errors: [ECHO], error: { message: ECHO } } },
  ]),
  ['html', { kind: 'html' }],
  ['truncated', { kind: 'truncated' }],
  ['malformed body', { kind: 'body', body: { unexpected: ECHO, errors: 'not a list' } }],
  ['plain text echo', { kind: 'text', status: 500, body: `error: ${ECHO}` }],
  [
    'html echo',
    {
      kind: 'text',
      status: 502,
      body: `<!DOCTYPE html><html><head><title>${ECHO}</title></head><body>${ECHO}</body></html>`,
      contentType: 'text/html',
    },
  ],
  ['dropped connection', { kind: 'drop' }],
  ['slower than the timeout', { kind: 'delay', ms: 1200 }],
];

const DOCTOR_TOO = new Set(['status 401', 'status 500', 'html echo', 'dropped connection']);
const TEXT_TOO = new Set(['status 401', 'status 500', 'html echo', 'plain text echo', 'dropped connection']);

const texts = () =>
  Object.fromEntries(
    runs.flatMap(({ label, r }, i) => [
      [`#${i} ${label} stdout`, r.stdout],
      [`#${i} ${label} stderr`, r.stderr],
    ]),
  );

describe('secrets suite: the reference rollout with fake secrets everywhere, every provider failing every way', () => {
  let canary5: string;

  it('walks the whole rollout on the fakes (the secrets are in use, and work)', async () => {
    const dir = newBox();
    const must = async (args: string[], now: string, codes = [0]) => {
      const r = await run(dir, 'walk', args, now);
      if (!codes.includes(r.code ?? -1)) throw new Error(`rollout ${args.join(' ')} at ${now}: ${explain(r)}`);
      return r;
    };
    await must(['validate'], at(0));
    await must(['doctor', '--json'], at(0), [0, 1]);
    await must(['checklist', '--yes', '--json'], at(0));
    await must(['approve', '--by', 'tech-lead'], at(0));
    const a1 = await must(['advance', '--json'], at(0));
    expect(a1.json()).toMatchObject({ decision: 'advanced', to: 'canary-5' });
    canary5 = clone(dir);
    await must(['status', '--json'], at(24));
    await must(['check'], at(24), [3]);
    await must(['approve', '--by', 'tech-lead', '--json'], at(48));
    expect((await must(['advance', '--json'], at(48))).json()).toMatchObject({ decision: 'advanced', to: 'canary-25' });
    await must(['approve', '--by', 'head-of-engineering'], at(120));
    expect((await must(['advance'], at(120))).code).toBe(0);
    await must(['approve', '--by', 'product-manager'], at(144));
    await must(['advance', '--json'], at(144), [0, 3]);
    await must(['report'], at(145));
    await must(['history', '--json'], at(145));
    await must(['history'], at(145));
    await must(['show', '--json'], at(145));
    // the fakes saw the credentials (so they were there to leak): LD was patched, Slack and the webhook heard
    expect(ld.applied.length).toBeGreaterThanOrEqual(3);
    expect(slack.payloads.length).toBeGreaterThan(0);
    expect(
      hook.requests.some(
        (q) => q.headers['authorization'] === S.HOOK_AUTH && /^sha256=/.test(q.headers['x-rollout-signature'] ?? ''),
      ),
    ).toBe(true);
  }, 120_000);

  it.each(FAULTS)(
    'every provider answers: %s',
    async (_name, fault) => {
      for (const f of ALL()) f.faults.inject(fault, { times: 500 });
      try {
        const dir = clone(canary5);
        const label = `fault ${_name}`;
        const rs = [
          await run(dir, label, ['check', '--json'], at(48)),
          await run(dir, label, ['advance', '--json'], at(48)),
          // the doctor (every provider in turn), text output and the rollback's flag and notification
          // writes, for the failures that differ most (each run costs seconds on two cores)
          ...(DOCTOR_TOO.has(_name) ? [await run(dir, label, ['doctor', '--json'], at(48))] : []),
          ...(TEXT_TOO.has(_name)
            ? [await run(dir, label, ['check'], at(49)), await run(dir, label, ['rollback', '--yes', '--json'], at(49))]
            : []),
        ];
        for (const r of rs) {
          expect({ label, code: r.code, crashed: /unexpected error|\n\s+at \S+ \(/.test(r.stderr) }).toEqual({
            label,
            code: expect.any(Number),
            crashed: false,
          });
          expect([0, 1, 3, 4]).toContain(r.code);
        }
        // the failures were seen: nothing passed on a failing provider
        expect(rs[0]!.json().decision).not.toBe('advanced');
      } finally {
        for (const f of ALL()) f.faults.clear();
      }
    },
    120_000,
  );

  it('every provider refuses the connection', async () => {
    const dir = clone(canary5);
    for (const args of [
      ['check', '--json'],
      ['advance', '--json'],
      ['doctor', '--json'],
      ['status'],
      ['rollback', '--yes'],
    ]) {
      const r = await run(dir, 'refused', args, at(48), true);
      expect([0, 1, 3, 4]).toContain(r.code);
    }
  }, 120_000);

  it('no secret, in any form, in any stdout, stderr, --json document or file the tool wrote', () => {
    expect(runs.length).toBeGreaterThan(60);
    for (const { label, r } of runs)
      if (label.includes('--json'))
        expect({
          label,
          json: (() => {
            try {
              r.json();
              return true;
            } catch {
              return false;
            }
          })(),
        }).toEqual({ label, json: true });
    const found = leaksIn(
      texts(),
      boxes.flatMap((d) => [path.join(d, 'plans', '.rollout'), path.join(d, 'plans', 'reports')]),
      S,
    );
    expect(found).toEqual([]);
  });
});
