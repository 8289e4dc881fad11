/**
 * `rollout note` and the living sections through the built binary: a note is hostile input (control
 * characters removed, secrets masked, Markdown and HTML shown as typed), recorded with its author
 * through the one road (state, then journal); the issue log, the user-feedback section and the
 * communication plan appear in the reports; the digest carries the notes.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { atStage, expectCode, removeSandboxes, type Sandbox } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

const HOOK = 'http://127.0.0.1:9/hooks/Zx81-secret-path-Kq2';
const env = { HOOK_URL: HOOK };

function withHook(yaml: string): string {
  return yaml
    .replace(
      '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
      '  notifications:\n    hook: { type: webhook, url: "${HOOK_URL}", retries: 0 }',
    )
    .replace('owner: Tech Lead }', 'owner: Tech Lead, notify: hook }')
    .replace('  formats: [md, json]', '  formats: [md, json, html]');
}

async function setUp(): Promise<Sandbox> {
  const sb = await atStage('canary-5');
  sb.editPlan(withHook);
  return sb;
}

describe('rollout note and the living sections', () => {
  it('records a hostile note cleaned, masked and escaped, with its author, in the issue log', async () => {
    const sb = await setUp();
    const hostile = `latency spike \u001b]0;pwned\u0007\u001b[2J<script>alert(1)</script> | [click](javascript:x) ${HOOK}`;
    const r = await sb.cmd('note', [hostile, '--by', 'tech-lead', '--json'], { env });
    expectCode(r, 0);
    const note = sb.state()!.notes![0]!;
    expect(note).toMatchObject({ kind: 'issue', by: 'tech-lead', phase: 'canary-5' });
    expect(note.text).not.toMatch(/[\u0000-\u001f]/);
    expect(note.text).not.toContain(HOOK);
    expect(note.text).toContain('<script>');
    const entry = sb.journal().find((e) => e.type === 'note.added')!;
    expect(entry.data).toMatchObject({ kind: 'issue', by: 'tech-lead', text: note.text });
    expect(JSON.stringify(sb.journal())).not.toContain(HOOK);

    const md = sb.report('canary-5', 'md');
    const log = md.slice(md.indexOf('## Issue log'));
    expect(log).toContain('\\<script\\>');
    expect(log).not.toContain('<script>');
    expect(log).toContain('\\[click\\]\\(javascript:x\\)');
    expect(md).not.toContain(HOOK);
    expect(md).not.toContain('\u001b');
    const html = readFileSync(sb.path('plans', 'reports', 'recommendations-v2', 'canary-5.html'), 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('a feedback note makes the user-feedback section with the NPS and acceptance figures', async () => {
    const sb = await setUp();
    expectCode(await sb.cmd('advance', [], { env }), 3); // a gate evaluation in canary-5: the figures
    expectCode(await sb.cmd('note', ['users like the new suggestions', '--kind', 'feedback'], { env }), 0);
    const md = sb.report('canary-5', 'md');
    const fb = md.slice(md.indexOf('## User feedback'));
    expect(fb).toMatch(/\| nps \| [0-9.]+ points \|/);
    expect(fb).toMatch(/\| acceptance_rate \|/);
    expect(fb).toContain('users like the new suggestions');
    // the hold is in the issue log only when the phase lists it or a note of that kind exists
    expect(md).not.toContain('## Issue log');
  });

  it('refuses an empty note or an unknown kind, changing nothing', async () => {
    const sb = await setUp();
    const before = sb.snapshot();
    expectCode(await sb.cmd('note', ['  \u0007 '], { env }), 2);
    expectCode(await sb.cmd('note', ['x', '--kind', 'rant'], { env }), 2);
    expect(sb.snapshot()).toEqual(before);
  });

  it('the pre-deploy report carries the communication plan with each audience cadence and level', async () => {
    const sb = await setUp();
    expectCode(await sb.cmd('report', [], { env }), 0);
    const md = sb.report('pre-deploy', 'md');
    const comm = md.slice(md.indexOf('## Communication plan'));
    expect(comm).toContain('| Engineering team | Slack/Email | Tech Lead | daily | technical | hook |');
    expect(comm).toContain(
      '| Leadership | Executive report | Head of Engineering | after-each-phase | executive | - |',
    );
    expect(comm).toContain('| Customers | Release notes | Marketing | after-the-rollout | customer | - |');
  });

  it("the day's technical digest carries the notes", async () => {
    const sb = await setUp();
    expectCode(await sb.cmd('note', ['cache misses up', '--by', 'tech-lead'], { env }), 0);
    const r = await sb.cmd('digest', ['--json', '--audience', 'Engineering team'], { env });
    expectCode(r, 0);
    expect(r.json().digests[0].lines.join('\n')).toContain('canary-5: note (tech-lead): cache misses up');
  });
});
