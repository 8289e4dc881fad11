import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, test } from '@jest/globals';
import type { ProviderError } from '../../src/errors.js';
import { createHttpClient } from '../../src/providers/http.js';
import type { HttpClientOptions } from '../../src/providers/http.js';
import { addSecret, clearSecrets } from '../../src/redact.js';
import { FaultQueue, sendJson, startServer, type FakeServer } from '../helpers/fakes/http.js';
import { expectProviderError } from '../helpers/providers.js';

const FAST = { baseMs: 5, maxMs: 20 };

/** A server answering `{ok:true}` (or `{echo}` of the query) unless a fault is queued. */
async function startEcho(): Promise<{ server: FakeServer; faults: FaultQueue }> {
  const faults = new FaultQueue();
  const server = await startServer(async (req, res) => {
    if (await faults.apply(req, res)) return;
    sendJson(res, 200, { ok: true, query: Object.fromEntries(req.query) });
  });
  return { server, faults };
}

const caught = (p: Promise<unknown>) => expectProviderError(p);

/** Every place an error could carry text out: message, hint, stack, cause, and its JSON. */
function everything(e: ProviderError): string {
  return [
    e.message,
    e.hint ?? '',
    e.stack ?? '',
    String(e.cause ?? ''),
    JSON.stringify(e),
    JSON.stringify(e.cause ?? null),
    e.details.join('\n'),
  ].join('\n');
}

let fake: { server: FakeServer; faults: FaultQueue };
const client = (o: Partial<HttpClientOptions> = {}) =>
  createHttpClient({ provider: 'Prometheus', baseURL: fake.server.url, backoff: FAST, ...o });

beforeAll(async () => {
  fake = await startEcho();
});
afterAll(async () => {
  await fake.server.close();
});
afterEach(() => {
  fake.faults.clear();
  fake.server.requests.length = 0;
  clearSecrets();
});

describe('successful requests', () => {
  it('returns parsed JSON, plain headers, and sends params with repeated keys', async () => {
    const res = await client({ headers: { 'X-Test': 'yes' } }).request<{ ok: boolean; query: Record<string, string> }>({
      method: 'GET',
      url: '/api/v1/query',
      params: { query: 'up', match: ['a', 'b'], skip: undefined },
    });
    expect(res.status).toBe(200);
    expect(res.data.ok).toBe(true);
    expect(res.headers['content-type']).toBe('application/json');
    const sent = fake.server.requests[0]!;
    expect(sent.query.getAll('match')).toEqual(['a', 'b']);
    expect(sent.query.has('skip')).toBe(false);
    expect(sent.headers['x-test']).toBe('yes');
    expect(sent.headers['user-agent']).toMatch(/^rollout\//);
  });

  it('sends JSON bodies and keeps a caller content type', async () => {
    await client().request({
      method: 'PATCH',
      url: '/f',
      data: { a: 1 },
      headers: { 'Content-Type': 'application/json; domain-model=x' },
    });
    expect(fake.server.requests[0]!.headers['content-type']).toBe('application/json; domain-model=x');
    expect(JSON.parse(fake.server.requests[0]!.body)).toEqual({ a: 1 });
  });

  it('returns accepted statuses instead of throwing', async () => {
    fake.faults.inject({ kind: 'status', status: 404, body: { message: 'no such flag' } });
    const res = await client().request({ method: 'GET', url: '/x', acceptStatuses: [404] });
    expect(res.status).toBe(404);
    expect(res.data).toEqual({ message: 'no such flag' });
  });

  it('returns text bodies when asked', async () => {
    fake.faults.inject({ kind: 'html' });
    const res = await client().request<string>({ method: 'GET', url: '/x', responseType: 'text' });
    expect(res.data).toContain('<html>');
  });
});

describe('retries', () => {
  it('retries 503 and succeeds, counting attempts', async () => {
    fake.faults.inject({ kind: 'status', status: 503 }, { times: 2 });
    const res = await client().request({ method: 'GET', url: '/x' });
    expect(res.status).toBe(200);
    expect(fake.server.requests).toHaveLength(3);
  });

  test.each([429, 502, 503, 504])('gives up on %i after retries + 1 attempts, saying so', async (status) => {
    fake.faults.inject({ kind: 'status', status, body: { error: 'overloaded' } }, { times: 10 });
    const e = await caught(client({ retries: 2 }).request({ method: 'GET', url: '/api/v1/query' }));
    expect(fake.server.requests).toHaveLength(3);
    expect(e.status).toBe(status);
    expect(e.message).toMatch(/after 3 attempts over \d+(\.\d)? ?m?s/);
    if (status !== 429)
      expect(e.message).toMatch(
        new RegExp(`^Prometheus answered ${status} for GET /api/v1/query after 3 attempts over .*: overloaded$`),
      );
    else expect(e.message).toMatch(/^Prometheus rate-limited us \(429 on GET \/api\/v1\/query\)/);
  });

  test.each([400, 401, 403, 404, 422])('never retries %i', async (status) => {
    fake.faults.inject({ kind: 'status', status }, { times: 10 });
    const e = await caught(client({ retryStatuses: [status] }).request({ method: 'GET', url: '/x' }));
    expect(fake.server.requests).toHaveLength(1);
    expect(e.status).toBe(status);
  });

  it('retries extra statuses only when configured (LaunchDarkly 409)', async () => {
    fake.faults.inject({ kind: 'status', status: 409 }, { times: 1 });
    await caught(client().request({ method: 'GET', url: '/x' }));
    expect(fake.server.requests).toHaveLength(1);
    fake.faults.inject({ kind: 'status', status: 409 }, { times: 1 });
    await client({ retryStatuses: [409] }).request({ method: 'GET', url: '/x' });
    expect(fake.server.requests).toHaveLength(3);
  });

  it('retries a dropped connection (socket hang up) for idempotent requests', async () => {
    fake.faults.inject({ kind: 'drop' });
    const res = await client().request({ method: 'GET', url: '/x' });
    expect(res.status).toBe(200);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('never re-sends a non-idempotent write that reached the server', async () => {
    fake.faults.inject({ kind: 'status', status: 503 }, { times: 5 });
    await caught(client().request({ method: 'POST', url: '/strategies', data: {}, idempotent: false }));
    expect(fake.server.requests).toHaveLength(1);
    fake.faults.clear();
    fake.faults.inject({ kind: 'drop' });
    const e = await caught(client().request({ method: 'POST', url: '/strategies', data: {}, idempotent: false }));
    expect(e.message).toMatch(/lost the connection to Prometheus .*ECONNRESET/);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('retries connection refused even for a non-idempotent write (nothing was sent)', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const e = await caught(
      createHttpClient({ provider: 'Unleash', baseURL: closed.url, retries: 2, backoff: FAST }).request({
        method: 'POST',
        url: '/api/admin/x',
        idempotent: false,
      }),
    );
    expect(e.message).toMatch(
      /^could not connect to Unleash at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED, POST \/api\/admin\/x\) after 3 attempts/,
    );
  });
});

describe('rate limits and reset headers', () => {
  it('waits until an epoch-ms reset header (LaunchDarkly) before retrying', async () => {
    let resetAt = 0;
    fake.faults.inject({
      kind: 'status',
      status: 429,
      headers: () => {
        resetAt = Date.now() + 300;
        return { 'X-Ratelimit-Reset': String(resetAt) };
      },
    });
    await client({ resetHeader: { name: 'X-Ratelimit-Reset', unit: 'epoch-ms' } }).request({
      method: 'GET',
      url: '/x',
    });
    expect(fake.server.requests).toHaveLength(2);
    expect(fake.server.requests[1]!.at).toBeGreaterThanOrEqual(resetAt);
  });

  it('waits the seconds-until reset header (Datadog)', async () => {
    fake.faults.inject({ kind: 'status', status: 429, headers: { 'X-RateLimit-Reset': '1' } });
    await client({ resetHeader: { name: 'X-RateLimit-Reset', unit: 'seconds-until' } }).request({
      method: 'GET',
      url: '/x',
    });
    const [first, second] = fake.server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
  });

  it('honours Retry-After in seconds and as an HTTP date, taking the later of it and the reset header', async () => {
    fake.faults.inject({ kind: 'status', status: 503, headers: { 'Retry-After': '1' } });
    await client().request({ method: 'GET', url: '/x' });
    let [first, second] = fake.server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);

    fake.server.requests.length = 0;
    fake.faults.inject({
      kind: 'status',
      status: 429,
      headers: () => ({
        'Retry-After': new Date(Date.now() + 1500).toUTCString(),
        'X-Ratelimit-Reset': String(Date.now() + 100),
      }),
    });
    await client({ resetHeader: { name: 'X-Ratelimit-Reset', unit: 'epoch-ms' } }).request({
      method: 'GET',
      url: '/x',
    });
    [first, second] = fake.server.requests;
    // HTTP dates have whole seconds: at least 500 ms, well past the 100 ms reset
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(500);
  });

  it('fails at once when the reset is beyond the total timeout, saying when it resets', async () => {
    fake.faults.inject(
      { kind: 'status', status: 429, headers: () => ({ 'X-Ratelimit-Reset': String(Date.now() + 30_000) }) },
      { times: 5 },
    );
    const e = await caught(
      client({
        provider: 'LaunchDarkly',
        totalTimeoutMs: 2000,
        resetHeader: { name: 'X-Ratelimit-Reset', unit: 'epoch-ms' },
      }).request({
        method: 'GET',
        url: '/api/v2/flags/p/f',
      }),
    );
    expect(fake.server.requests).toHaveLength(1);
    expect(e.status).toBe(429);
    expect(e.message).toMatch(
      /^LaunchDarkly rate-limited us \(429 on GET \/api\/v2\/flags\/p\/f\); the limit resets in (29\.\d|30) s \(at \d{4}-.*Z\), beyond the 2 s total timeout$/,
    );
  });
});

describe('timeouts', () => {
  it('times out each attempt, retries idempotent requests, and says so', async () => {
    fake.faults.inject({ kind: 'delay', ms: 400 }, { times: 2 });
    const e = await caught(
      client({ provider: 'Datadog', timeoutMs: 100, retries: 1 }).request({
        method: 'GET',
        url: '/api/v2/query/timeseries',
      }),
    );
    expect(fake.server.requests).toHaveLength(2);
    expect(e.message).toMatch(
      /^Datadog did not answer within 100 ms \(GET \/api\/v2\/query\/timeseries\) after 2 attempts over/,
    );
  });

  it('does not retry a timed-out non-idempotent write', async () => {
    fake.faults.inject({ kind: 'delay', ms: 400 }, { times: 2 });
    const e = await caught(client({ timeoutMs: 100 }).request({ method: 'POST', url: '/x', idempotent: false }));
    expect(fake.server.requests).toHaveLength(1);
    expect(e.message).toBe('Prometheus did not answer within 100 ms (POST /x)');
  });

  it('stops at the total timeout across retries', async () => {
    fake.faults.inject({ kind: 'delay', ms: 300 }, { times: 20 });
    const e = await caught(
      client({ timeoutMs: 200, totalTimeoutMs: 500, retries: 10 }).request({ method: 'GET', url: '/x' }),
    );
    expect(fake.server.requests.length).toBeLessThanOrEqual(3);
    expect(e.message).toMatch(/did not answer within (200 ms|the 500 ms total timeout)/);
  });
});

describe('redirects', () => {
  it('does not follow them (credential headers would go along) and says what to fix', async () => {
    fake.faults.inject({ kind: 'status', status: 302, headers: { Location: 'http://elsewhere.invalid/x' } });
    const e = await caught(client().request({ method: 'GET', url: '/x' }));
    expect(e.message).toBe('Prometheus answered 302 (a redirect) for GET /x');
    expect(e.hint).toMatch(/final address/);
    expect(fake.server.requests).toHaveLength(1);
  });
});

describe('malformed answers', () => {
  test.each([
    ['html', /^LaunchDarkly returned a malformed body \(expected JSON\) for GET \/x: an HTML page titled "Sign in"$/],
    ['truncated', /^LaunchDarkly returned a malformed body \(expected JSON\) for GET \/x: \{"data"/],
  ] as const)('%s body on 200 is a ProviderError', async (kind, message) => {
    fake.faults.inject({ kind });
    const e = await caught(client({ provider: 'LaunchDarkly' }).request({ method: 'GET', url: '/x' }));
    expect(e.message).toMatch(message);
    expect(fake.server.requests).toHaveLength(1);
  });
});

describe('credentials in messages', () => {
  it('names the env var of a rejected token', async () => {
    fake.faults.inject({
      kind: 'status',
      status: 401,
      body: { code: 'unauthorized', message: 'Invalid account token' },
    });
    const e = await caught(
      client({ provider: 'LaunchDarkly', credential: { setting: 'token', env: 'LD_API_TOKEN' } }).request({
        method: 'GET',
        url: '/x',
      }),
    );
    expect(e.message).toBe('LaunchDarkly rejected the token in LD_API_TOKEN (401)');
    expect(e.hint).toContain('LD_API_TOKEN');
  });

  it('says "the configured token" without an env var, and names both Datadog keys on 403', async () => {
    fake.faults.inject({ kind: 'status', status: 401 });
    const e = await caught(
      client({ provider: 'Unleash', credential: { setting: 'token' } }).request({ method: 'GET', url: '/x' }),
    );
    expect(e.message).toBe('Unleash rejected the configured token (401)');
    fake.faults.inject({ kind: 'status', status: 403, body: { errors: ['Forbidden'] } });
    const d = await caught(
      client({
        provider: 'Datadog',
        credentials: [
          { setting: 'apiKey', env: 'DD_API_KEY' },
          { setting: 'appKey', env: 'DD_APP_KEY' },
        ],
      }).request({ method: 'POST', url: '/api/v2/query/timeseries' }),
    );
    expect(d.message).toBe(
      'Datadog denied POST /api/v2/query/timeseries with the apiKey in DD_API_KEY or the appKey in DD_APP_KEY (403): Forbidden',
    );
  });
});

describe('secrets never leave in errors or warnings', () => {
  const TOKEN = 'api-0123456789abcdef-SECRET';
  const KEY = 'dd0123456789KEY';

  test.each([
    ['401', { kind: 'status', status: 401, body: { message: `bad token ${TOKEN}` } }],
    ['500 echoing the token', { kind: 'status', status: 500, body: { message: `Authorization: ${TOKEN} key=${KEY}` } }],
    ['malformed body echoing the token', { kind: 'text', status: 200, body: `<p>session ${TOKEN} expired` }],
  ] as const)('%s', async (_name, fault) => {
    // literal secrets (not from ${VAR}), so only the client's own masking can hide them
    fake.faults.inject(fault, { times: 10 });
    const c = createHttpClient({
      provider: 'LaunchDarkly',
      baseURL: `${fake.server.url.replace('http://', `http://user:${KEY}@`)}/?api_key=${KEY}`,
      headers: { Authorization: TOKEN, 'DD-API-KEY': KEY },
      credential: { setting: 'token', env: 'LD_API_TOKEN' },
      retries: 1,
      backoff: FAST,
    });
    const e = await caught(c.request({ method: 'GET', url: `/x?access_token=${TOKEN}` }));
    const all = everything(e);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(KEY);
  });

  it('masks credentials in the URL of an unreachable provider', async () => {
    const e = await caught(
      createHttpClient({
        provider: 'X',
        baseURL: `http://admin:${KEY}@127.0.0.1:1/?token=${TOKEN}`,
        retries: 0,
      }).request({ method: 'GET', url: `/y?token=${TOKEN}` }),
    );
    expect(e.message).toMatch(/could not connect to X at http:\/\/127\.0\.0\.1:1/);
    expect(everything(e)).not.toContain(TOKEN);
    expect(everything(e)).not.toContain(KEY);
  });

  it('masks a secret the server echoes in a body, a URL userinfo, and a registered ${VAR} value', async () => {
    addSecret('registered-secret-value');
    fake.faults.inject({
      kind: 'status',
      status: 400,
      body: { message: `rejected ${TOKEN} registered-secret-value http://u:${KEY}@h/?token=abcd1234` },
    });
    const e = await caught(
      createHttpClient({
        provider: 'Webhook',
        baseURL: fake.server.url,
        headers: { Authorization: `Bearer ${TOKEN}` },
      }).request({ method: 'POST', url: '/x' }),
    );
    const all = everything(e);
    for (const s of [TOKEN, KEY, 'registered-secret-value', 'abcd1234']) expect(all).not.toContain(s);
    expect(e.message).toContain('***');
  });

  it('masks a Basic credential, encoded and decoded', async () => {
    const basic = Buffer.from(`admin:${TOKEN}`).toString('base64');
    fake.faults.inject({ kind: 'status', status: 400, body: { message: `got ${basic} = admin:${TOKEN}` } });
    const e = await caught(
      client({ headers: { Authorization: `Basic ${basic}` } }).request({ method: 'GET', url: '/x' }),
    );
    expect(everything(e)).not.toContain(TOKEN);
    expect(everything(e)).not.toContain(basic);
  });
});

describe('proxies from the environment', () => {
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('goes through HTTP_PROXY unless NO_PROXY lists the host', async () => {
    const proxy = await startServer((req, res) => sendJson(res, 200, { via: 'proxy', url: req.url }));
    try {
      process.env.HTTP_PROXY = proxy.url;
      delete process.env.NO_PROXY;
      const res = await client().request<{ via: string; url: string }>({ method: 'GET', url: '/through' });
      expect(res.data.via).toBe('proxy');
      // a forward proxy receives the absolute URL of the target
      expect(res.data.url).toBe(`${fake.server.url}/through`);
      process.env.NO_PROXY = '127.0.0.1';
      const direct = await client().request<{ ok: boolean }>({ method: 'GET', url: '/direct' });
      expect(direct.data.ok).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

describe('TLS', () => {
  let dir: string;
  let server: https.Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rollout-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      {
        stdio: 'ignore',
      },
    );
    server = https.createServer(
      { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      (_req, res) => sendJson(res, 200, { tls: true }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies certificates by default', async () => {
    const e = await caught(
      createHttpClient({ provider: 'Prometheus', baseURL: url, retries: 0 }).request({ method: 'GET', url: '/' }),
    );
    expect(e.message).toMatch(/presented a TLS certificate that was not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  });

  it('skips verification when asked, warning once per client', async () => {
    const warnings: string[] = [];
    const c = createHttpClient({
      provider: 'Prometheus',
      baseURL: url,
      insecureSkipTlsVerify: true,
      warn: (m) => warnings.push(m),
    });
    await c.request({ method: 'GET', url: '/' });
    const res = await c.request<{ tls: boolean }>({ method: 'GET', url: '/' });
    expect(res.data.tls).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/TLS certificate verification is off/);
  });
});
