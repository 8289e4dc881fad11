/**
 * `rollout playbook PLAN` (issue 11 item 7): the support playbook written from the plan, through the
 * binary: every section, the rollback total from the estimates, Markdown and a self-contained HTML page,
 * plan text that cannot inject markup, and no secret from a provider setting or a command.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { removeSandboxes, Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

const TOKEN = 'pbk-4f2a9c7e1d';

describe('rollout playbook', () => {
  it('writes the architecture, troubleshooting, reporting, rollback, people and FAQ sections from the plan', async () => {
    const sb = Sandbox.create({});
    const r = await sb.cmd('playbook', []);
    expect(r.code).toBe(0);
    const md = r.stdout;
    for (const h of [
      '# Support playbook: Recommendation system improvements',
      '## How the rollout is built',
      '## Troubleshooting flow',
      '## Identify and report a problem',
      '## Rollback procedures',
      '## Who to tell',
      '## Technical FAQ',
    ])
      expect(md).toContain(h);
    // phases with their audiences and soak; metrics with SLO, severe bound and contingency; rollback total
    expect(md).toContain('| canary-5 | 5% of technical-users | technical-users (profile in technical) | 48h | 24h |');
    expect(md).toMatch(/\| latency_p95 \| performance \| < 500 ms \| ≥ 800 ms \| moderate: reduce-traffic/);
    expect(md).toContain('Estimated total: 27m to 42m');
    expect(md).toContain(
      '| 3 | Database | Restore the snapshot if needed | by hand, confirmed by a person | 15m-30m |',
    );
    expect(md).toContain('| Leadership | Executive report | after each phase | Head of Engineering |');
    // nothing was written and no state was created
    expect(existsSync(sb.stateFile)).toBe(false);
  });

  it('--write puts playbook.md and a self-contained playbook.html into the reports folder', async () => {
    const sb = Sandbox.create({});
    const r = await sb.cmd('playbook', ['--write', '--json']);
    expect(r.code).toBe(0);
    const files: string[] = r.json().files;
    expect(files.map((f) => f.replace(/.*\/reports\//, ''))).toEqual([
      'recommendations-v2/playbook.md',
      'recommendations-v2/playbook.html',
    ]);
    const html = readFileSync(files[1]!, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h2>Rollback procedures</h2>');
    expect(html).toContain('<code>rollout status PLAN</code>');
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i); // no requests of any kind
  });

  it('plan text is text (no markup injected) and no secret is printed', async () => {
    const sb = Sandbox.create({
      editPlan: (y) =>
        y
          .replace(
            'title: Recommendation system improvements',
            'title: "<script>alert(1)</script> *bold* [x](http://e)"',
          )
          .replace(
            `run: "echo 'roll back the API deployment' "`,
            `run: "curl -H 'Authorization: Bearer \${DEPLOY_TOKEN}' https://deploy/api"`,
          )
          .replace(
            '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
            '  notifications:\n    team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
          ),
    });
    const env = { DEPLOY_TOKEN: TOKEN, SLACK_WEBHOOK_URL: `https://hooks.slack.com/services/T0/B0/${TOKEN}x` };
    const md = await sb.cmd('playbook', [], { env });
    const html = await sb.cmd('playbook', ['--format', 'html'], { env });
    expect([md.code, html.code]).toEqual([0, 0]);
    for (const out of [md.stdout, md.stderr, html.stdout, html.stderr]) expect(out).not.toContain(TOKEN);
    expect(md.stdout).toContain('| notifications | team-slack | slack |');
    // the command as the plan author wrote it: the value reaches the command only through the environment
    expect(md.stdout).toContain("command: curl -H 'Authorization: Bearer ${DEPLOY_TOKEN}' https://deploy/api");
    expect(md.stdout).toContain('\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[x\\](http://e)');
    expect(html.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.stdout).not.toContain('<script>');
  });

  it('an unknown --format is a usage error (exit 2)', async () => {
    const sb = Sandbox.create({});
    const r = await sb.cmd('playbook', ['--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format pdf is not a playbook format');
  });
});
