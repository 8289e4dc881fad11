/**
 * A dry run through the binary is the real flow through recorders: it changes nothing, lists the
 * actions it would take, and says what it would have journaled, notified and written.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { removeSandboxes, Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

const withHook = (yaml: string) =>
  yaml
    .replace(
      '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
      '  notifications:\n    team-hook: { type: webhook, url: "http://127.0.0.1:9/never", retries: 0 }',
    )
    .replace(
      '{ audience: Engineering team, channel: Slack/Email, frequency: daily, owner: Tech Lead }',
      '{ audience: Engineering team, channel: Slack/Email, frequency: daily, owner: Tech Lead, notify: team-hook }',
    );

describe('advance --dry-run', () => {
  it('reports what it would have notified, journaled and written, and writes none of it', async () => {
    const sb = Sandbox.create({ now: '2026-06-18T09:00:00Z', editPlan: withHook });
    const before = sb.snapshot();
    const j = await sb.json('advance', ['--dry-run'], 3);
    expect(j).toMatchObject({ decision: 'held', dryRun: true, reports: [], actions: [] });
    expect(j.notifications).toEqual([{ notifier: 'team-hook', ok: true }]);
    expect(j.wouldAlso.notify).toEqual([{ notifier: 'team-hook', kind: 'held' }]);
    expect(j.wouldAlso.journal).toEqual(['gate.evaluated', 'rollout.held', 'notify.sent']);
    expect(j.wouldAlso.reports).toEqual(
      expect.arrayContaining([expect.stringMatching(/recommendations-v2[/\\]pre-deploy\.md$/)]),
    );
    expect(sb.snapshot()).toEqual(before);

    const text = await sb.cmd('advance', ['--dry-run']);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('would change nothing');
    expect(text.stdout).toContain('would notify: team-hook (held)');
    expect(sb.snapshot()).toEqual(before);
  });
});
