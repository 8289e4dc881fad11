import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
import { createWebhookNotifier, webhookBody } from '../../../src/providers/notifications/webhook/index.js';
import { webhookSettings } from '../../../src/providers/notifications/webhook/settings.js';
import type { NotificationEvent, Notifier } from '../../../src/providers/types.js';
import { FaultQueue, sendText, startServer, type FakeServer } from '../../helpers/fakes/http.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const SECRET = 'whsec-4f2a9c7e1b3d5f6a8c0e';
const BEARER = 'receiver-token-0a1b2c3d4e';

let receiver: FakeServer;
const faults = new FaultQueue();
const { ctx } = adapterContext({
  name: 'ops-hook',
  now: () => 0,
  envOf: (s) => ({ secret: 'ROLLOUT_WEBHOOK_SECRET', 'headers.Authorization': 'HOOK_TOKEN' })[s],
});

const event = (over: Partial<NotificationEvent> = {}): NotificationEvent => ({
  kind: 'failed',
  plan: 'checkout',
  title: 'New checkout — “fast” path',
  phase: 'canary-5',
  summary: 'checkout: gate failed in canary-5',
  lines: ['latency p95 412 ms ≥ 300 ms', 'errors 0.4 % < 1 %'],
  at: '2026-11-30T07:00:00.000Z',
  ...over,
});

function notifier(over: Record<string, unknown> = {}): Promise<Notifier> {
  return createWebhookNotifier(
    webhookSettings.parse({ type: 'webhook', url: `${receiver.url}/hooks/rollout`, timeout: '500ms', ...over }),
    ctx,
  );
}

/** The receiver's side of the recipe in the adapter's doc comment. */
function verify(rawBody: string, signature: string | undefined, secret: string): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(Buffer.from(rawBody, 'utf8')).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [SECRET, BEARER] });

beforeAll(async () => {
  receiver = await startServer(async (req, res) => {
    if (await faults.apply(req, res)) return;
    sendText(res, 202, 'accepted');
  });
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  faults.clear();
});

describe('delivery', () => {
  it('POSTs the event as JSON', async () => {
    await (await notifier()).send(event({ to: 'canary-25' }));
    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/rollout');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-rollout-event']).toBe('failed');
    const body = JSON.parse(req.body) as Record<string, unknown>;
    expect(body).toEqual({
      event: 'failed',
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      plan: 'checkout',
      title: 'New checkout — “fast” path',
      phase: 'canary-5',
      to: 'canary-25',
      summary: 'checkout: gate failed in canary-5',
      lines: ['latency p95 412 ms ≥ 300 ms', 'errors 0.4 % < 1 %'],
      at: '2026-11-30T07:00:00.000Z',
    });
    expect(req.headers['x-rollout-id']).toBe(body.id);
    // unsigned without a secret
    expect(req.headers['x-rollout-signature']).toBeUndefined();
    expect(req.headers['x-rollout-timestamp']).toBeUndefined();
  });

  it('`to` is null when there is no next phase', async () => {
    await (await notifier()).send(event());
    expect((JSON.parse(receiver.requests[0]!.body) as { to: unknown }).to).toBeNull();
  });

  it('the id is the same for the same event and differs between events', () => {
    expect(webhookBody(event()).id).toBe(webhookBody(event({ lines: ['other wording'] })).id);
    expect(webhookBody(event()).id).not.toBe(webhookBody(event({ at: '2026-11-30T07:05:00.000Z' })).id);
    expect(webhookBody(event()).id).not.toBe(webhookBody(event({ kind: 'held' })).id);
  });

  it('sends the configured headers', async () => {
    await (await notifier({ headers: { Authorization: `Bearer ${BEARER}`, 'X-Team': 'payments' } })).send(event());
    expect(receiver.requests[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(receiver.requests[0]!.headers['x-team']).toBe('payments');
  });
});

describe('signature', () => {
  it('signs the exact body bytes with HMAC-SHA256, verifiable by the documented recipe', async () => {
    const before = Math.floor(Date.now() / 1000);
    await (await notifier({ secret: SECRET })).send(event());
    const req = receiver.requests[0]!;
    const signature = req.headers['x-rollout-signature'];
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature).toBe(`sha256=${createHmac('sha256', SECRET).update(req.body, 'utf8').digest('hex')}`);
    expect(verify(req.body, signature, SECRET)).toBe(true);
    // non-ASCII text is signed as the UTF-8 bytes that were sent
    expect(req.body).toContain('“fast”');
    const ts = Number(req.headers['x-rollout-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('a wrong secret or a changed body does not verify', async () => {
    await (await notifier({ secret: SECRET })).send(event());
    const { body, headers } = receiver.requests[0]!;
    expect(verify(body, headers['x-rollout-signature'], 'another-secret')).toBe(false);
    expect(verify(body.replace('canary-5', 'canary-6'), headers['x-rollout-signature'], SECRET)).toBe(false);
    // re-serialising changes the bytes: verification must use the raw body
    expect(verify(JSON.stringify(JSON.parse(body), null, 2), headers['x-rollout-signature'], SECRET)).toBe(false);
  });

  it('a retry re-sends the same bytes and signature', async () => {
    faults.inject({ kind: 'status', status: 503 });
    await (await notifier({ secret: SECRET })).send(event());
    const [first, second] = receiver.requests;
    expect(second!.body).toBe(first!.body);
    expect(second!.headers['x-rollout-signature']).toBe(first!.headers['x-rollout-signature']);
    expect(verify(second!.body, second!.headers['x-rollout-signature'], SECRET)).toBe(true);
  });
});

describe('failures: a ProviderError, never the secret', () => {
  it('401 names the header variable', async () => {
    faults.inject({ kind: 'status', status: 401, body: { error: 'bad token' } });
    const e = await caught(
      (await notifier({ secret: SECRET, headers: { Authorization: `Bearer ${BEARER}` } })).send(event()),
    );
    expect(e.message).toBe('Webhook rejected the headers.Authorization in HOOK_TOKEN (401)');
    expect(receiver.requests).toHaveLength(1);
  });

  it('waits the Retry-After on 429', async () => {
    faults.inject({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    await (await notifier({ secret: SECRET })).send(event());
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('5xx are retried, then fail with the body excerpt', async () => {
    faults.inject({ kind: 'text', status: 502, body: `bad gateway (echo: ${SECRET})` }, { times: 5 });
    const e = await caught((await notifier({ secret: SECRET, retries: 2 })).send(event()));
    expect(e.message).toMatch(
      /^Webhook answered 502 for POST \/hooks\/rollout after 3 attempts over .*: bad gateway \(echo: /,
    );
    expect(receiver.requests).toHaveLength(3);
  });

  it('a slow receiver is a timeout', async () => {
    faults.inject({ kind: 'delay', ms: 800 }, { times: 3 });
    const e = await caught((await notifier({ secret: SECRET, timeout: '100ms', retries: 0 })).send(event()));
    expect(e.message).toBe('Webhook did not answer within 100 ms (POST /hooks/rollout)');
  });

  test.each([
    [404, 'Webhook has nothing at POST /hooks/rollout (404): nope'],
    [400, 'Webhook answered 400 for POST /hooks/rollout: nope'],
  ])('%i is not retried', async (status, message) => {
    faults.inject({ kind: 'text', status, body: 'nope' });
    const e = await caught((await notifier({ secret: SECRET })).send(event()));
    expect(e.message).toBe(message);
    expect(receiver.requests).toHaveLength(1);
  });

  it('a 2xx with any body (even not JSON) is a delivery', async () => {
    faults.inject({ kind: 'html' });
    await expect((await notifier()).send(event())).resolves.toBeUndefined();
  });
});
