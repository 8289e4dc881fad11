/**
 * `rollout watch` through the built binary, with no TTY and a simulated clock (ROLLOUT_NOW): the clock
 * moves on by --every between checks instead of sleeping, one line per check, and the watch ends by
 * itself at its bound or on a decision, with the contract's exit code; stakeholders hear of changes only.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { atStage, explain, removeSandboxes, T, type Sandbox } from '../helpers/cli.js';
import { startServer, type FakeServer } from '../helpers/fakes/http.js';

afterAll(removeSandboxes);
let hook: FakeServer | undefined;
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

const lines = (out: string) => out.split('\n').filter((l) => /^\d{4}-\d\d-\d\dT.* #\d+ /.test(l));

/** A webhook notifier on a loopback server counting what it receives, for the engineering team. */
async function withWebhook(sb: Sandbox): Promise<FakeServer> {
  const server = await startServer((_req, res) => {
    res.writeHead(200).end('ok');
  });
  sb.editPlan((y) =>
    y
      .replace(
        '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
        `  notifications:\n    team-hook: { type: webhook, url: "${server.url}/hook", retries: 0 }`,
      )
      .replace(
        '{ audience: Engineering team, channel: Slack/Email, frequency: daily, owner: Tech Lead }',
        '{ audience: Engineering team, channel: Slack/Email, frequency: daily, owner: Tech Lead, notify: team-hook }',
      ),
  );
  return server;
}

describe('watch with no TTY on a simulated clock', () => {
  it('prints one line per check, --every apart on the clock, and ends by itself at --max-checks (held: exit 3)', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set('2026-06-19T09:00:00Z');
    const before = sb.snapshot();
    const r = await sb.cmd('watch', ['--every', '10m', '--max-checks', '4']);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(3);
    const l = lines(r.stdout);
    expect(l.map((x) => x.split(' ')[0])).toEqual([
      '2026-06-19T09:00:00.000Z',
      '2026-06-19T09:10:00.000Z',
      '2026-06-19T09:20:00.000Z',
      '2026-06-19T09:30:00.000Z',
    ]);
    expect(l[0]).toContain('held in canary-5 (5% of technical-users) · eligible in 1d (soak)');
    expect(l[3]).toContain('eligible in 23h 30m (soak)');
    expect(r.stdout).toContain('watch ended: its bound was reached after 4 checks');
    // a watch that only checks changes nothing (no notifier is configured here)
    expect(sb.snapshot()).toEqual(before);
  }, 60_000);

  it('ends by itself at --for (on the tool clock), and its --json is one document listing each check', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set('2026-06-19T09:00:00Z');
    const r = await sb.cmd('watch', ['--every', '1h', '--for', '3h', '--json']);
    expect(r.code).toBe(3);
    const j = r.json();
    expect(j).toMatchObject({ stopped: 'bound', exitCode: 3, decision: 'held', until: 'eligible', advance: false });
    expect(j.checks.map((c: { at: string }) => c.at)).toEqual([
      '2026-06-19T09:00:00.000Z',
      '2026-06-19T10:00:00.000Z',
      '2026-06-19T11:00:00.000Z',
      '2026-06-19T12:00:00.000Z',
    ]);
    expect(j.checks[0]).toMatchObject({
      eligibleAt: T.canary25.replace('Z', '.000Z'),
      countdown: 'eligible in 1d (soak); also waiting for approvals',
    });
  }, 60_000);

  it('--until eligible stops at the first check whose gate would pass (exit 0) and changes nothing', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set('2026-06-20T06:00:00Z');
    await sb.cmd('approve', ['--by', 'tech-lead']);
    const flag = sb.flagTraffic();
    const r = await sb.cmd('watch', ['--every', '1h', '--until', 'eligible']);
    expect(r.code).toBe(0);
    const l = lines(r.stdout);
    expect(l).toHaveLength(4); // 06:00, 07:00, 08:00 held; 09:00 the 48h soak is over
    expect(l[2]).toContain('eligible in 1h (soak)');
    expect(l[3]).toMatch(
      /^2026-06-20T09:00:00.000Z #4 eligible in canary-5 \(5% of technical-users\): advance would decide advanced → canary-25/,
    );
    expect(r.stdout).toContain('watch ended: the gate would pass after 4 checks');
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
    expect(sb.flagTraffic()).toBe(flag);
  }, 60_000);

  it('--advance --until eligible advances once, when the gate passes, and stops (exit 0)', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set('2026-06-20T06:00:00Z');
    await sb.cmd('approve', ['--by', 'tech-lead']);
    const r = await sb.cmd('watch', ['--every', '1h', '--until', 'eligible', '--advance']);
    expect(r.code).toBe(0);
    const l = lines(r.stdout);
    expect(l).toHaveLength(4);
    expect(l[3]).toContain('advanced: canary-5 → canary-25 (25% of active-users)');
    expect(r.stdout).toContain('watch ended: advanced after 4 checks');
    expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25 });
    expect(sb.journal().filter((e) => e.type === 'rollout.advanced' && e.phase === 'canary-5')).toHaveLength(1);
  }, 60_000);

  it('a gate that fails stops the watch at once: exit 4 with the contingency in the output', async () => {
    const sb = await atStage('canary-5');
    sb.setMetric('2026-06-18T20:00:00Z', 'latency_p95', 'canary', 650);
    sb.clock.set('2026-06-18T19:00:00Z');
    const r = await sb.cmd('watch', ['--every', '30m', '--for', '1d']);
    expect(r.code).toBe(4);
    const l = lines(r.stdout);
    expect(l.at(-1)).toMatch(/^2026-06-18T20:00:00.000Z #3 gate failed in canary-5/);
    expect(r.stdout).toContain('latency_p95');
    expect(r.stdout).toMatch(/contingency/i);
    expect(r.stdout).toContain('watch ended: the gate failed after 3 checks');
  }, 60_000);

  it('--advance --apply-contingency applies it and stops: reduced, exit 4', async () => {
    const sb = await atStage('canary-25');
    sb.setMetric('2026-06-21T03:00:00Z', 'latency_p95', 'canary', 650);
    sb.clock.set('2026-06-21T02:00:00Z');
    const r = await sb.cmd('watch', ['--every', '1h', '--advance', '--apply-contingency', '--json']);
    expect(r.code).toBe(4);
    const j = r.json();
    expect(j).toMatchObject({ stopped: 'failed', decision: 'reduced', contingency: { applied: true } });
    expect(j.checks).toHaveLength(2);
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  }, 60_000);

  it('a completed rollout ends the watch at once: exit 0', async () => {
    const sb = await atStage('full');
    sb.clock.set(T.done);
    await sb.cmd('approve', ['--by', 'tech-lead']);
    const done = await sb.cmd('advance');
    expect({ code: done.code, why: done.code === 0 ? '' : explain(done) }).toEqual({ code: 0, why: '' });
    const r = await sb.cmd('watch', ['--until', 'done']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      `${T.done.replace('Z', '.000Z')} #1 the rollout is completed: nothing left to watch`,
    ]);
  }, 90_000);

  it.each([
    [['--every', 'soon'], '--every soon is not a duration'],
    [['--every', '0m'], '--every 0m is not a duration'],
    [['--until', 'tomorrow'], '--until tomorrow'],
    [['--max-checks', '0'], '--max-checks 0'],
    [['--apply-contingency'], '--apply-contingency acts only with --advance'],
  ])(
    'refuses %j with exit 2 and a clear message',
    async (args, message) => {
      const sb = await atStage('canary-5');
      const r = await sb.cmd('watch', args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );
});

describe('watch tells the stakeholders of changes only', () => {
  it('five identical held checks send one notification, journaled once; a change sends one more', async () => {
    const sb = await atStage('canary-5');
    hook = await withWebhook(sb);
    sb.clock.set('2026-06-20T06:00:00Z');
    await sb.cmd('approve', ['--by', 'tech-lead']);
    const before = sb.journal().length;
    const r = await sb.cmd('watch', ['--every', '10m', '--max-checks', '5']);
    expect(r.code).toBe(3);
    expect(lines(r.stdout)).toHaveLength(5);
    expect(hook.requests).toHaveLength(1);
    expect(JSON.parse(hook.requests[0]!.body)).toMatchObject({ event: 'held', phase: 'canary-5' });
    const sent = sb
      .journal()
      .slice(before)
      .filter((e) => e.type === 'notify.sent');
    expect(sent).toHaveLength(1);
    expect(lines(r.stdout)[0]).toContain('notified team-hook');
    expect(lines(r.stdout).slice(1).join('\n')).not.toContain('notified');

    // another watch, on until the soak is over: the held state was told already; one more message, that the gate would pass
    sb.clock.set('2026-06-20T08:30:00Z');
    const r2 = await sb.cmd('watch', ['--every', '10m', '--until', 'eligible'], {});
    expect(r2.code).toBe(0);
    const kinds = hook.requests.map((q) => JSON.parse(q.body).event);
    expect(kinds).toEqual(['held', 'eligible']);
    expect(lines(r2.stdout)[0]).not.toContain('notified');
  }, 90_000);

  it('with --advance, repeated held checks notify once (the advance remembers what it told)', async () => {
    const sb = await atStage('canary-5');
    hook = await withWebhook(sb);
    sb.clock.set('2026-06-20T06:00:00Z');
    await sb.cmd('approve', ['--by', 'tech-lead']);
    const r = await sb.cmd('watch', ['--every', '10m', '--max-checks', '6', '--advance']);
    expect(r.code).toBe(3);
    expect(lines(r.stdout)).toHaveLength(6);
    expect(hook.requests.map((q) => JSON.parse(q.body).event)).toEqual(['held']);
  }, 90_000);
});
