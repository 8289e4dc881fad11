/**
 * Issue 10 item 2 through the built binary: a phase with an audience serves a share OF that audience, and
 * every output says so ("5% of technical-users", pt-BR "5% de technical-users"), never a bare
 * "traffic 5%" or "5% traffic": the commands' text, the reports (Markdown, HTML, index), the CI step
 * summary and the notifications.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { after, atStage, removeSandboxes, T } from '../helpers/cli.js';
import { sendJson, startServer, type FakeServer } from '../helpers/fakes/http.js';

/** "traffic 5%", "traffic: 25 %", "5% traffic": a share said without whose it is */
const BARE = /\btraffic:? \d+(\.\d+)? ?%(?! of | de )|\b\d+(\.\d+)? ?% traffic\b|tráfego \d+ ?%(?! de )/i;

let hook: FakeServer;
beforeAll(async () => {
  hook = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
});
afterAll(async () => {
  await hook.close();
  removeSandboxes();
});

const withHook = (yaml: string) =>
  yaml
    .replace(
      '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
      '  notifications:\n    hook: { type: webhook, url: "${HOOK_URL}", retries: 0 }',
    )
    .replace(/owner: (Tech Lead|PM|Head of Engineering|Marketing) \}/g, 'owner: $1, notify: hook }')
    .replace(/formats: \[md, json\]/, 'formats: [md, json, html]');

describe('what a phase serves, said with its audience everywhere', () => {
  it('commands, reports, the CI summary and notifications say "N% of AUDIENCE" and never a bare share', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan(withHook);
    const env = { HOOK_URL: `${hook.url}/n`, GITHUB_STEP_SUMMARY: sb.path('summary.md') };
    const outputs: Record<string, string> = {};
    const v = await sb.cmd('validate', [], { env });
    outputs['validate'] = v.stdout;
    sb.clock.set(after(T.canary5, '1h'));
    const c = await sb.cmd('check', [], { env });
    outputs['check'] = c.stdout;
    const s = await sb.cmd('status', [], { env });
    outputs['status'] = s.stdout;
    outputs['show'] = (await sb.cmd('show', [], { env })).stdout;
    const held = await sb.cmd('advance', [], { env });
    expect(held.code).toBe(3);
    outputs['advance (held)'] = held.stdout;
    sb.clock.set(T.canary25);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'], { env })).code).toBe(0);
    const a = await sb.cmd('advance', [], { env });
    expect(a.code).toBe(0);
    outputs['advance'] = a.stdout;
    outputs['summary'] = readFileSync(sb.path('summary.md'), 'utf8');
    const dir = sb.path('plans', 'reports', 'recommendations-v2');
    for (const f of readdirSync(dir).filter((x) => /\.(md|html)$/.test(x)))
      outputs[f] = readFileSync(path.join(dir, f), 'utf8');
    outputs['notifications'] = hook.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.body)
      .join('\n');

    for (const [where, text] of Object.entries(outputs))
      expect({ where, bare: BARE.exec(text)?.[0] }).toEqual({ where, bare: undefined });
    for (const where of [
      'validate',
      'check',
      'status',
      'show',
      'summary',
      'canary-5.md',
      'canary-5.html',
      'index.html',
    ])
      expect({ where, says: outputs[where]?.includes('5% of technical-users') }).toEqual({ where, says: true });
    expect(outputs['advance']).toContain('25% of active-users');
    expect(outputs['notifications']).toContain('25% of active-users');
  });

  it('pt-BR reports say "5% de technical-users"', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) => y.replace(/formats: \[md, json\]/, 'formats: [md, json, html]\n  language: pt-BR'));
    sb.clock.set(T.canary25);
    expect((await sb.cmd('advance')).code).toBe(3);
    const md = readFileSync(sb.path('plans', 'reports', 'recommendations-v2', 'canary-5.md'), 'utf8');
    expect(md).toContain('5% de technical-users');
    expect(md).not.toMatch(BARE);
    expect(md).not.toContain('5% of technical-users');
  });
});
