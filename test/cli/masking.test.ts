/**
 * Issue 7 items 3, 4 and 5, through the built binary:
 * - a secret inside a URL path (`${MURL}` = http://h/m/x/<secret>/q, a webhook URL) stays masked in
 *   stdout, stderr, the journal, the state and every report when the endpoint answers 500/404, an HTML
 *   page or a malformed body, times out, drops the connection or refuses it;
 * - a secret holding `"` or `\` stays masked in `--json` and in JSON/HTML reports (redacted before
 *   serialisation, not after escaping);
 * - only secrets are masked: a value such as DEPLOY_ENV=production or a number is left alone, and
 *   `--json` stays valid JSON even with a digits-only secret.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { startServer, type FakeServer, type RecordedRequest } from '../helpers/fakes/http.js';
import { leaksIn } from '../helpers/secrets.js';

const hex = () => randomBytes(8).toString('hex');
const SEG = `sekret${hex()}`;
const SEG2 = `pathpart${hex()}`;
const HOOK = `hk${hex()}`;
const API_TOKEN = `tok"en\\${hex()}`;
const DEPLOY_TOKEN = `dep"loy\\${hex()}'x`;
const NUM_TOKEN = String(90817263544 + Math.floor(Math.random() * 1000));
const SECRETS = { SEG, SEG2, HOOK, API_TOKEN, DEPLOY_TOKEN, NUM_TOKEN };

type Mode = '500' | '404' | 'html' | 'malformed' | 'slow' | 'drop' | 'refused';
let mode: Mode = '500';
let metrics: FakeServer;
let hooks: FakeServer;
let closedPort: string;

/** Answers as a broken endpoint would, echoing what it was sent (path, query and credentials). */
async function misbehave(req: RecordedRequest, res: ServerResponse): Promise<void> {
  const echo = `no route for ${req.url} (auth ${req.headers['authorization'] ?? '-'}, key ${req.headers['x-api-key'] ?? '-'})`;
  switch (mode) {
    case '500':
    case '404':
    case 'refused':
      res.writeHead(mode === '404' ? 404 : 500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: echo }));
      return;
    case 'html':
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(`<html><head><title>${echo}</title></head><body>${echo}</body></html>`);
      return;
    case 'malformed':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"value": ${echo}`);
      return;
    case 'slow':
      await new Promise((r) => setTimeout(r, 2500));
      if (!res.destroyed) res.end('{}');
      return;
    case 'drop':
      res.socket?.destroy();
      return;
  }
}

beforeAll(async () => {
  metrics = await startServer(misbehave);
  hooks = await startServer(misbehave);
  const closed = await startServer(() => undefined);
  closedPort = closed.url;
  await closed.close();
});
afterAll(async () => {
  await metrics.close();
  await hooks.close();
  removeSandboxes();
});

const PLAN = 'plans/masked.yaml';

function planText(): string {
  return `version: 1
name: masked
service: recs
flag: { key: recs-v2 }
variables:
  env: "\${DEPLOY_ENV}"
  threshold: "\${THRESHOLD}"
providers:
  flags:
    local: { type: file, path: .rollout/flags.json }
  metrics:
    remote: { type: http, url: "\${MURL}", jsonPath: "$.value", timeout: 1s, totalTimeout: 2s, retries: 0, headers: { Authorization: "Bearer \${API_TOKEN}" } }
    remote2: { type: http, url: "\${MBASE}/m/\${M_SEGMENT}/q?query={{query}}", jsonPath: "$.value", timeout: 1s, totalTimeout: 2s, retries: 0, headers: { X-Api-Key: "\${NUM_TOKEN}" } }
  notifications:
    hook: { type: webhook, url: "\${HOOK_URL}", timeout: 1s, totalTimeout: 2s, retries: 0 }
metrics:
  - { name: latency, provider: remote, query: latency, slo: { below: 500 } }
  - { name: errors, provider: remote2, query: 'rate(errors{env="{{env}}"})', slo: { below: 1 } }
phases:
  - name: pre
    traffic: 0
    checklist:
      - Staging is identical to production
      - { id: token-check, text: Token check, run: 'echo "the deploy token is $DEPLOY_TOKEN"' }
  - { name: full, traffic: 100 }
advance: { sloWindow: 1h }
stakeholders:
  - { audience: Team, notify: hook }
reports: { dir: reports, formats: [md, json, html, junit] }
`;
}

function env(): Record<string, string> {
  const base = mode === 'refused' ? closedPort : metrics.url;
  const hookBase = mode === 'refused' ? closedPort : hooks.url;
  return {
    MURL: `${base}/m/x/${SEG}/q`,
    MBASE: base,
    M_SEGMENT: SEG2,
    HOOK_URL: `${hookBase}/hooks/${HOOK}`,
    API_TOKEN,
    DEPLOY_TOKEN,
    NUM_TOKEN,
    DEPLOY_ENV: 'production',
    THRESHOLD: '1529',
    ROLLOUT_NO_CACHE: '1',
  };
}

async function walk(): Promise<{ sb: Sandbox; runs: Record<string, CliResult> }> {
  const sb = Sandbox.create({ now: T.canary5 });
  sb.writeFile(PLAN, planText());
  const runs: Record<string, CliResult> = {};
  const go = async (name: string, args: string[]) => {
    runs[name] = await sb.run([args[0]!, PLAN, ...args.slice(1)], { env: env(), timeoutMs: 60_000 });
  };
  await go('checklist', ['checklist', '--yes', '--json']);
  await go('check', ['check']);
  await go('check --json', ['check', '--json']);
  await go('advance --json', ['advance', '--json']);
  await go('status --json', ['status', '--json']);
  await go('report', ['report']);
  await go('history', ['history']);
  await go('history --json', ['history', '--json']);
  await go('doctor --json', ['doctor', '--json']);
  return { sb, runs };
}

const texts = (runs: Record<string, CliResult>) =>
  Object.fromEntries(
    Object.entries(runs).flatMap(([k, r]) => [
      [`${k} stdout`, r.stdout],
      [`${k} stderr`, r.stderr],
    ]),
  );

describe('secrets in URL paths, with quotes and backslashes, or digits only, never appear', () => {
  it.each<Mode>(['500', '404', 'html', 'malformed', 'slow', 'drop', 'refused'])(
    'when the endpoints answer %s',
    async (m) => {
      mode = m;
      const { sb, runs } = await walk();
      // the providers really failed (the failure is what could carry the secret out)
      expect(runs['check --json']!.json().criteria.find((c: { name: string }) => c.name === 'latency').verdict).toBe(
        'hold',
      );
      expect(leaksIn(texts(runs), [sb.path('plans', '.rollout'), sb.path('plans', 'reports')], SECRETS)).toEqual([]);
      for (const [name, r] of Object.entries(runs)) {
        expect({ name, ok: [0, 1, 3, 4].includes(r.code ?? -1) }).toEqual({ name, ok: true });
        expect({ name, unexpected: /unexpected error|\n\s+at /.test(r.stderr) }).toEqual({ name, unexpected: false });
        // every --json document is valid JSON
        if (name.endsWith('--json')) expect(() => r.json()).not.toThrow();
      }
      // the masking says where the secret was, not nothing at all
      expect(runs['check']!.stdout + runs['check']!.stderr).toMatch(/\*\*\*/);
    },
  );
});

describe('only secrets are masked', () => {
  it('DEPLOY_ENV=production and a number from a non-secret variable are left as they are', async () => {
    mode = '500';
    const { runs } = await walk();
    const checklist = runs['checklist']!.json();
    expect(checklist.items.map((i: { text: string }) => i.text)).toContain('Staging is identical to production');
    const status = runs['status --json']!.stdout;
    expect(status).not.toMatch(/identical to \*\*\*/);
    // the run: output is kept, with only the token masked
    const tokenItem = checklist.items.find((i: { id: string }) => i.id === 'token-check');
    expect(tokenItem.status).toBe('done');
  });

  it('the reference plan with a digits-only value among its variables: --json stays valid and keeps its numbers', async () => {
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) =>
        y.replace(
          'service: recommendations\n',
          'service: recommendations\nvariables: { points: "${POINTS}", env: "${DEPLOY_ENV}" }\n',
        ),
    });
    const r = await sb.cmd('check', ['--json'], {
      env: { POINTS: '1529', DEPLOY_ENV: 'production', ROLLOUT_NO_CACHE: '1' },
    });
    const doc = r.json();
    expect(JSON.stringify(doc)).toContain('1529');
    expect(JSON.stringify(doc)).not.toContain('***');
    const s = await sb.cmd('checklist', ['--yes', '--json'], {
      env: { POINTS: '1529', DEPLOY_ENV: 'production', ROLLOUT_NO_CACHE: '1' },
    });
    expect(s.json().items.map((i: { text: string }) => i.text)).toContain(
      'Prepare a staging environment identical to production',
    );
  });

  it('a digits-only SECRET that equals a number in the output keeps --json valid (numbers are not text)', async () => {
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) =>
        y.replace('service: recommendations\n', 'service: recommendations\nvariables: { apiToken: "${API_TOKEN}" }\n'),
    });
    const r = await sb.cmd('check', ['--json'], { env: { API_TOKEN: '1529', ROLLOUT_NO_CACHE: '1' } });
    expect([0, 3, 4]).toContain(r.code);
    const doc = r.json();
    const throughput =
      doc.reported?.find?.((c: { name: string }) => c.name === 'throughput') ??
      doc.criteria.find((c: { name: string }) => c.name === 'throughput');
    expect(JSON.stringify(throughput ?? doc)).toMatch(/1529/);
  });
});

describe('a secret holding " or \\ is masked in --json and in JSON and HTML reports', () => {
  it.each([
    ['a quote', `ab"cd${hex()}`],
    ['a backslash', `ab\\cd${hex()}`],
    ['both, and a newline', `a"b\\c\nd${hex()}`],
    ['an ampersand and angle brackets', `a&b<c>d${hex()}`],
  ])('%s', async (_n, secret) => {
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) =>
        y
          .replace(
            '      - Monitoring active\n',
            `      - Monitoring active\n      - { id: key-rotated, text: Deploy key rotated, run: 'printf "key %s\\\\n" "\${DEPLOY_KEY}"' }\n`,
          )
          .replace('formats: [md, json]', 'formats: [md, json, html, junit]'),
    });
    const e = { DEPLOY_KEY: secret, ROLLOUT_NO_CACHE: '1' };
    const runs: Record<string, CliResult> = {
      checklist: await sb.cmd('checklist', ['--yes', '--json'], { env: e }),
      status: await sb.cmd('status', ['--json'], { env: e }),
      history: await sb.cmd('history', ['--json'], { env: e }),
      report: await sb.cmd('report', [], { env: e }),
    };
    // the command did print the key (so it was there to leak), and it is masked
    const item = runs['checklist']!.json().items.find((i: { id: string }) => i.id === 'key-rotated');
    expect(item.status).toBe('done');
    expect(item.output).toBe('key ***');
    expect(
      leaksIn(texts(runs), [sb.path('plans', '.rollout'), sb.path('plans', 'reports')], { DEPLOY_KEY: secret }),
    ).toEqual([]);
  });
});
