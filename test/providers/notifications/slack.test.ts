import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
import { buildSlackMessage, escapeMrkdwn } from '../../../src/providers/notifications/slack/blocks.js';
import { createSlackNotifier, webhookMasker } from '../../../src/providers/notifications/slack/index.js';
import { slackSettings } from '../../../src/providers/notifications/slack/settings.js';
import type { NotificationEvent, Notifier } from '../../../src/providers/types.js';
import { startSlackFake, type SlackFake } from '../../helpers/fakes/slack.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const HOOK_SECRET = 'xQ9kR2mZ7vB4nL1pW8sT3yC6';
const HOOK_PATH = `/services/T0ACME001/B0ROLL002/${HOOK_SECRET}`;

let fake: SlackFake;
const { ctx } = adapterContext({
  name: 'team-slack',
  now: () => 0,
  envOf: (s) => ({ webhookUrl: 'SLACK_WEBHOOK_URL' })[s],
});

const event = (over: Partial<NotificationEvent> = {}): NotificationEvent => ({
  kind: 'advanced',
  plan: 'checkout',
  title: 'New checkout',
  phase: 'canary-5',
  to: 'canary-25',
  summary: 'checkout: canary-5 → canary-25 (25%)',
  lines: ['latency p95 231 ms < 300 ms', 'no open incidents at high or worse'],
  at: '2026-11-30T07:00:00.000Z',
  ...over,
});

function notifier(over: Record<string, unknown> = {}): Promise<Notifier> {
  return createSlackNotifier(
    slackSettings.parse({ type: 'slack', webhookUrl: fake.webhookUrl, timeout: '500ms', ...over }),
    ctx,
  );
}

/** The hook's path is the credential: no part of it may surface in an error. */
const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [HOOK_SECRET, 'B0ROLL002'] });

beforeAll(async () => {
  fake = await startSlackFake({ hookPath: HOOK_PATH });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('the message (pure)', () => {
  it('has a fallback text, a header, the facts, the summary, the reasons and the time', () => {
    expect(buildSlackMessage(event())).toEqual({
      text: 'rollout checkout: advanced (canary-5 → canary-25): checkout: canary-5 → canary-25 (25%)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'checkout: advanced', emoji: true } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Plan:*\nNew checkout (checkout)' },
            { type: 'mrkdwn', text: '*Phase:*\ncanary-5 → canary-25' },
          ],
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: ':large_green_circle: checkout: canary-5 → canary-25 (25%)' },
        },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '• latency p95 231 ms &lt; 300 ms\n• no open incidents at high or worse' },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'rollout · advanced · 2026-11-30T07:00:00.000Z' }] },
      ],
    });
  });

  it('leaves out the reasons block when there are none, and the arrow without a next phase', () => {
    const m = buildSlackMessage(event({ kind: 'rolled-back', to: undefined, lines: [], title: 'checkout' }));
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(m.blocks[1]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Plan:*\ncheckout' },
        { type: 'mrkdwn', text: '*Phase:*\ncanary-5' },
      ],
    });
    expect(m.text).toBe('rollout checkout: rolled back (canary-5): checkout: canary-5 → canary-25 (25%)');
  });

  test.each([
    ['advanced', ':large_green_circle:', 'advanced'],
    ['held', ':double_vertical_bar:', 'held'],
    ['failed', ':red_circle:', 'gate failed'],
    ['contingency-applied', ':warning:', 'contingency applied'],
    ['rolled-back', ':rewind:', 'rolled back'],
    ['completed', ':white_check_mark:', 'completed'],
    ['reduced', ':arrow_down:', 'traffic reduced'],
  ] as const)('%s reads "%s … %s"', (kind, emoji, verb) => {
    const m = buildSlackMessage(event({ kind }));
    expect(m.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `checkout: ${verb}`, emoji: true },
    });
    expect((m.blocks[2] as { text: { text: string } }).text.text.startsWith(`${emoji} `)).toBe(true);
  });

  it('escapes mrkdwn control characters, so a reason cannot ping a channel or forge a link', () => {
    expect(escapeMrkdwn('<!channel> & <http://x|click>')).toBe('&lt;!channel&gt; &amp; &lt;http://x|click&gt;');
    const m = buildSlackMessage(event({ summary: '<!here> p95 > SLO', lines: ['a <@U123> b'] }));
    expect(JSON.stringify(m)).not.toMatch(/<!here>|<@U123>/);
    expect(m.text).toContain('&lt;!here&gt; p95 &gt; SLO');
  });

  it("clips to Slack's limits: 20 reasons, 3000 characters a section, 150 a header", () => {
    const m = buildSlackMessage(
      event({ plan: 'p'.repeat(200), lines: Array.from({ length: 45 }, (_, i) => `reason ${i} ${'x'.repeat(200)}`) }),
    );
    const header = m.blocks[0] as { text: { text: string } };
    expect(header.text.text).toHaveLength(150);
    const reasons = (m.blocks[3] as { text: { text: string } }).text.text;
    expect(reasons.length).toBeLessThanOrEqual(3000);
    expect(reasons.split('\n').length).toBeLessThanOrEqual(21);
    const few = buildSlackMessage(event({ lines: Array.from({ length: 25 }, (_, i) => `r${i}`) }));
    expect((few.blocks[3] as { text: { text: string } }).text.text.split('\n').at(-1)).toBe('_and 5 more_');
  });
});

describe('delivery', () => {
  it('POSTs the message as JSON to the hook and accepts the plain-text ok', async () => {
    await (await notifier()).send(event());
    expect(fake.payloads).toEqual([buildSlackMessage(event())]);
    const req = fake.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(HOOK_PATH);
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('waits the Retry-After on 429, then posts once', async () => {
    fake.rateLimit({ retryAfterS: 1 });
    await (await notifier()).send(event());
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(fake.payloads).toHaveLength(1);
  });
});

describe('failures: a ProviderError that never shows the hook', () => {
  test.each([
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
  ])('%i %s is not retried and carries the reason', async (status, body) => {
    fake.failWith(status, body);
    const e = await caught((await notifier()).send(event()));
    expect(e.status).toBe(status);
    expect(e.message).toContain(body);
    expect(e.message).toContain('/services/***');
    expect(fake.requests).toHaveLength(1);
  });

  it('an unknown hook is no_service', async () => {
    const e = await caught(
      createSlackNotifier(
        slackSettings.parse({
          type: 'slack',
          webhookUrl: `${fake.url}/services/T0ACME001/B0ROLL002/WRONG${HOOK_SECRET}`,
        }),
        ctx,
      ).then((n) => n.send(event())),
    );
    expect(e.message).toMatch(
      /^Slack has nothing at POST http:\/\/127\.0\.0\.1:\d+\/services\/\*\*\* \(404\): no_service$/,
    );
  });

  it('a 500 rollup_error fails at once (the client retries only 429 and 502-504)', async () => {
    fake.failWith(500, 'rollup_error', 1);
    const e = await caught((await notifier({ retries: 1 })).send(event()));
    expect(e.message).toMatch(
      /^Slack answered 500 for POST http:\/\/127\.0\.0\.1:\d+\/services\/\*\*\*: rollup_error$/,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('503s are retried, then fail', async () => {
    fake.faults.inject({ kind: 'text', status: 503, body: 'service unavailable' }, { times: 5 });
    const e = await caught((await notifier({ retries: 1 })).send(event()));
    expect(e.message).toMatch(
      /^Slack answered 503 for POST .*\/services\/\*\*\* after 2 attempts over .*: service unavailable$/,
    );
    expect(fake.requests).toHaveLength(2);
  });

  it('a 429 resetting beyond the total timeout fails at once', async () => {
    fake.rateLimit({ retryAfterS: 120 });
    const e = await caught((await notifier({ totalTimeout: '5s' })).send(event()));
    expect(e.status).toBe(429);
    expect(e.message).toMatch(/^Slack rate-limited us \(429 on POST .*\/services\/\*\*\*\); the limit resets in 120 s/);
  });

  it('a slow answer is a timeout', async () => {
    fake.faults.inject({ kind: 'delay', ms: 800 }, { times: 3 });
    const e = await caught((await notifier({ timeout: '100ms', retries: 0 })).send(event()));
    expect(e.message).toMatch(
      /^Slack did not answer within 100 ms \(POST http:\/\/127\.0\.0\.1:\d+\/services\/\*\*\*\)$/,
    );
  });

  test.each([
    ['a login page', { kind: 'html' } as const, /^Slack answered 200 with "<!DOCTYPE html>.*" instead of "ok"$/],
    [
      'a 204',
      { kind: 'text', status: 204, body: '' } as const,
      /^Slack answered 204 with an empty body instead of "ok"$/,
    ],
  ])('%s is not a delivery', async (_name, fault, message) => {
    fake.faults.inject(fault);
    expect((await caught((await notifier()).send(event()))).message).toMatch(message);
  });

  it('a refused connection names only the origin', async () => {
    const closed = await startSlackFake({ hookPath: HOOK_PATH });
    await closed.close();
    const settings = slackSettings.parse({ type: 'slack', webhookUrl: closed.webhookUrl, retries: 0 });
    const e = await caught((await createSlackNotifier(settings, ctx)).send(event()));
    expect(e.message).toMatch(
      /^could not connect to Slack at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED, POST http:\/\/127\.0\.0\.1:\d+\/services\/\*\*\*\)$/,
    );
  });

  it('the masker hides every form of the hook', () => {
    const url = `https://hooks.slack.com${HOOK_PATH}`;
    const mask = webhookMasker(url);
    expect(mask(`at ${url} / ${HOOK_PATH} / T0ACME001/B0ROLL002/${HOOK_SECRET} / ${HOOK_SECRET}`)).toBe(
      'at https://hooks.slack.com/services/*** / /services/*** / *** / ***',
    );
  });
});
