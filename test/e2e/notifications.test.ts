/**
 * Stakeholder notifications through the built binary: the plan's stakeholders route events to a
 * signed webhook (a loopback receiver); a held gate notifies when its reason changes, not at every
 * check; a failed notification is reported and never blocks or undoes a rollout step.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { explain, removeSandboxes, Sandbox } from '../helpers/cli.js';
import { sendJson, startServer, type FakeServer } from '../helpers/fakes/http.js';

const SECRET = 'whsec-test-1234567890';
let receiver: FakeServer;
let failing = false;

beforeAll(async () => {
  receiver = await startServer((_req, res) =>
    failing ? sendJson(res, 503, { error: 'down' }) : sendJson(res, 200, { ok: true }),
  );
});
afterAll(async () => {
  await receiver.close();
  removeSandboxes();
});

function withWebhook(yaml: string): string {
  return yaml
    .replace(
      '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
      '  notifications:\n    team-hook: { type: webhook, url: "${HOOK_URL}", secret: "${HOOK_SECRET}", retries: 0 }',
    )
    .replace(
      '{ audience: Engineering team, channel: Slack/Email, frequency: daily, owner: Tech Lead }',
      '{ audience: Engineering team, channel: Slack/Email, frequency: daily, owner: Tech Lead, notify: team-hook }',
    );
}

const events = () =>
  receiver.requests
    .filter((r) => r.method === 'POST')
    .map((r) => JSON.parse(r.body) as { event: string; phase: string; to?: string; summary: string });

describe('notifications', () => {
  it('routes advanced/held events to the webhook, signed, and notifies a held gate only when its reason changes', async () => {
    const sb = Sandbox.create({ now: '2026-06-18T09:00:00Z', editPlan: withWebhook });
    const env = { HOOK_URL: receiver.url, HOOK_SECRET: SECRET };
    receiver.requests.length = 0;
    expect((await sb.cmd('validate', [], { env })).code).toBe(0);

    // held (checklist + approvals) twice: one notification
    expect((await sb.cmd('advance', [], { env })).code).toBe(3);
    expect((await sb.cmd('advance', [], { env })).code).toBe(3);
    expect(events().map((e) => e.event)).toEqual(['held']);

    // the reason changes (checklist done, approvals still missing): a new notification
    expect((await sb.cmd('checklist', ['--yes'], { env })).code).toBe(0);
    expect((await sb.cmd('advance', [], { env })).code).toBe(3);
    expect(events().map((e) => e.event)).toEqual(['held', 'held']);

    expect((await sb.cmd('approve', ['--by', 'tech-lead'], { env })).code).toBe(0);
    const adv = await sb.cmd('advance', [], { env });
    expect(adv.code).toBe(0);
    const last = events().at(-1)!;
    expect(last).toMatchObject({ event: 'advanced', phase: 'pre-deploy', to: 'canary-5' });

    // signed over the exact body bytes
    const req = receiver.requests.at(-1)!;
    const sig = req.headers['x-rollout-signature'];
    expect(sig).toBe(`sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`);
    // the secret is nowhere in what the receiver got, nor in the journal
    expect(JSON.stringify(receiver.requests.map((r) => r.body))).not.toContain(SECRET);
    expect(JSON.stringify(sb.journal())).not.toContain(SECRET);
    expect(sb.journal().filter((e) => e.type === 'notify.sent')).toHaveLength(3);
  });

  it('a failed notification is reported and never blocks or undoes the step', async () => {
    const sb = Sandbox.create({ now: '2026-06-18T09:00:00Z', editPlan: withWebhook });
    const env = { HOOK_URL: receiver.url, HOOK_SECRET: SECRET };
    expect((await sb.cmd('checklist', ['--yes'], { env })).code).toBe(0);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'], { env })).code).toBe(0);
    failing = true;
    try {
      const r = await sb.cmd('advance', ['--json'], { env });
      if (r.code !== 0) throw new Error(explain(r));
      const d = r.json();
      expect(d.decision).toBe('advanced');
      expect(d.notifications).toEqual([expect.objectContaining({ notifier: 'team-hook', ok: false })]);
      expect(r.stderr).toMatch(/notification to team-hook failed/);
      expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
      expect(sb.journal().some((e) => e.type === 'notify.failed')).toBe(true);
    } finally {
      failing = false;
    }
  });

  it('a failing gate checked again and again notifies once, until its reason changes', async () => {
    const sb = Sandbox.create({ now: '2026-06-18T09:00:00Z', editPlan: withWebhook });
    const env = { HOOK_URL: receiver.url, HOOK_SECRET: SECRET };
    expect((await sb.cmd('checklist', ['--yes'], { env })).code).toBe(0);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'], { env })).code).toBe(0);
    expect((await sb.cmd('advance', [], { env })).code).toBe(0);
    receiver.requests.length = 0;
    sb.clock.set('2026-06-18T21:00:00Z');
    sb.setMetric('2026-06-18T20:00:00Z', 'latency_p95', 'canary', 640);
    expect((await sb.cmd('advance', [], { env })).code).toBe(4);
    sb.clock.set('2026-06-18T21:15:00Z');
    expect((await sb.cmd('advance', [], { env })).code).toBe(4);
    expect(events().map((e) => e.event)).toEqual(['failed']);
    // a second metric breaks too: a new reason, a new notification
    sb.setMetric('2026-06-18T21:00:00Z', 'error_rate', 'canary', 0.9);
    sb.clock.set('2026-06-18T21:30:00Z');
    expect((await sb.cmd('advance', [], { env })).code).toBe(4);
    expect(events().map((e) => e.event)).toEqual(['failed', 'failed']);
    expect(events()[1]!.summary).toContain('gate failed in canary-5');
  });
});
