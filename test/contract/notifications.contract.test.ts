/**
 * The notifications contract: the same assertions for every notifier — Slack (loopback fake of an
 * incoming webhook) and the generic webhook (a loopback receiver). What is sent is what the receiver
 * gets; a delivery the receiver refuses, or cannot take, is an error naming the notifier (never a
 * silent success) with no secret — the webhook URL of Slack is one — in it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { NotificationEvent, Notifier } from '../../src/providers/types.js';
import { FaultQueue, type FakeServer, sendText, startServer } from '../helpers/fakes/http.js';
import { type SlackFake, startSlackFake } from '../helpers/fakes/slack.js';
import { CLOSED, contextFor, createAdapter, expectNamedFailure } from './harness.js';

interface NotifierHarness {
  notifier: Notifier;
  /** the bodies the receiver accepted, as text */
  received(): string[];
  /** the receiver refuses the next delivery */
  refuseNext(): void;
  /** a notifier whose receiver cannot be reached */
  unreachable(): Promise<Notifier>;
  reset(): void;
  names: RegExp;
  secrets: string[];
  close(): Promise<void>;
}

const cases: Array<[string, () => Promise<NotifierHarness>]> = [
  [
    'slack (loopback fake)',
    async () => {
      const hookPath = '/services/T0CONTRACT/B0CONTRACT/xoxContractS3cretPath42';
      const fake: SlackFake = await startSlackFake({ hookPath });
      const ctx = contextFor('team-slack');
      return {
        notifier: await createAdapter('notifications', { type: 'slack', webhookUrl: fake.webhookUrl, retries: 0 }, ctx),
        received: () => fake.payloads.map((p) => JSON.stringify(p)),
        refuseNext: () => fake.failWith(404, 'no_service', 1),
        unreachable: () =>
          createAdapter(
            'notifications',
            { type: 'slack', webhookUrl: `${CLOSED}${hookPath}`, retries: 0, timeout: '2s' },
            ctx,
          ),
        reset: () => fake.reset(),
        names: /Slack/,
        secrets: ['xoxContractS3cretPath42'],
        close: () => fake.close(),
      };
    },
  ],
  [
    'webhook (loopback receiver)',
    async () => {
      const faults = new FaultQueue();
      const bodies: string[] = [];
      const receiver: FakeServer = await startServer(async (req, res) => {
        if (await faults.apply(req, res)) return;
        bodies.push(req.body);
        sendText(res, 202, 'accepted');
      });
      const secret = 'whsec-contract-1a2b3c4d5e6f';
      const bearer = 'Bearer hook-contract-6f5e4d3c';
      const settings = { type: 'webhook', secret, headers: { Authorization: bearer }, retries: 0, timeout: '2s' };
      const ctx = contextFor('ops-hook');
      return {
        notifier: await createAdapter('notifications', { ...settings, url: `${receiver.url}/hook` }, ctx),
        received: () => [...bodies],
        refuseNext: () => faults.inject({ kind: 'status', status: 500 }),
        unreachable: () => createAdapter('notifications', { ...settings, url: `${CLOSED}/hook` }, ctx),
        reset: () => {
          bodies.length = 0;
          faults.clear();
        },
        names: /webhook|ops-hook/i,
        secrets: [secret, bearer, 'hook-contract-6f5e4d3c'],
        close: () => receiver.close(),
      };
    },
  ],
];

const event: NotificationEvent = {
  kind: 'failed',
  plan: 'contract-plan',
  title: 'Contract rollout',
  phase: 'canary-5',
  summary: 'contract-plan: gate failed in canary-5',
  lines: ['latency_p95 812 ms ≥ 500 ms over 1h'],
  at: '2026-06-18T09:00:00.000Z',
};

describe.each(cases)('notifications contract: %s', (_name, setup) => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await setup();
  });
  afterAll(() => h?.close());
  beforeEach(() => h.reset());

  test('what is sent is what the receiver gets: one delivery carrying the summary, phase and reasons', async () => {
    await h.notifier.send(event);
    const got = h.received();
    expect(got).toHaveLength(1);
    for (const text of [event.summary, event.phase, 'latency_p95']) expect(got[0]).toContain(text);
  });

  test('a delivery the receiver refuses is an error naming the notifier, never a silent success', async () => {
    h.refuseNext();
    await expectNamedFailure(h.notifier.send(event), { names: h.names, secrets: h.secrets });
    expect(h.received()).toEqual([]);
  });

  test('an unreachable receiver is an error naming the notifier, with no secret in it', async () => {
    await expectNamedFailure((await h.unreachable()).send(event), { names: h.names, secrets: h.secrets });
  });
});
