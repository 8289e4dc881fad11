/**
 * Issue 7 item 8, through the built binary: paths stay where they belong.
 * - state.dir and reports.dir outside the plan's folder need `allowOutsidePlanDir: true`;
 * - nothing is written through a symbolic link that leaves its folder;
 * - state and journal files are created 0600;
 * - an answers, metrics, incidents or flag file that is not what it claims is reported without echoing it;
 * - a flag key (or a provider project/environment) of `.` or `..` is refused at validation;
 * - traffic has a precision of 0.01 %.
 */
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { explain, removeSandboxes, Sandbox, T, tempDir } from '../helpers/cli.js';

afterAll(removeSandboxes);

const outsideDir = (): string => tempDir('rollout-outside-');

const SECRET_LINE = 'root:$6$Zx9sekretHASH0123:19000:0:99999:7:::';

describe('state.dir and reports.dir stay in the plan folder unless the plan opts out', () => {
  it.each([
    ['state', '../elsewhere'],
    ['state', '/var/tmp/rollout-state'],
    ['state', 'a/../../x'],
    ['reports', '../../reports'],
    ['reports', '/tmp/reports'],
  ])('%s.dir %s is refused at validation, at its line', async (section, dir) => {
    const sb = Sandbox.create({
      editPlan: (y) =>
        section === 'state'
          ? y.replace('  dir: .rollout ', `  dir: ${dir} `)
          : y.replace('reports:\n  dir: reports', `reports:\n  dir: ${dir}`),
    });
    const r = await sb.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `recommendations\\.yaml:\\d+:\\d+ ${section}\\.dir: ${section}\\.dir .* is outside the plan's folder.*allowOutsidePlanDir`,
      ),
    );
  });

  it('with allowOutsidePlanDir: true, the state and the reports live where the plan says', async () => {
    const stateDir = outsideDir();
    const reportsDir = outsideDir();
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) =>
        y
          .replace('  dir: .rollout ', `  dir: ${stateDir}\n  allowOutsidePlanDir: true `)
          .replace('reports:\n  dir: reports', `reports:\n  dir: ${reportsDir}\n  allowOutsidePlanDir: true`),
    });
    expect((await sb.cmd('validate')).code).toBe(0);
    const r = await sb.cmd('checklist', ['--yes']);
    expect({ code: r.code, out: explain(r) }).toMatchObject({ code: 0 });
    expect(existsSync(path.join(stateDir, 'recommendations-v2.state.json'))).toBe(true);
    expect((await sb.cmd('report')).code).toBe(0);
    expect(existsSync(path.join(reportsDir, 'recommendations-v2', 'pre-deploy.md'))).toBe(true);
  });
});

describe('nothing is written through a symbolic link that leaves its folder', () => {
  it('the state folder is a link out of the plan folder: refused, nothing written there', async () => {
    const target = outsideDir();
    const sb = Sandbox.create({ now: T.canary5 });
    symlinkSync(target, sb.path('plans', '.rollout'));
    const r = await sb.cmd('checklist', ['--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /refusing to write .*recommendations-v2\.(state\.json|journal\.jsonl|lock-holder\.json).*symbolic link/,
    );
    expect(existsSync(path.join(target, 'recommendations-v2.state.json'))).toBe(false);
    expect(existsSync(path.join(target, 'recommendations-v2.journal.jsonl'))).toBe(false);
  });

  it('the journal is a link to a file elsewhere: refused, that file unchanged', async () => {
    const target = path.join(outsideDir(), 'victim.txt');
    writeFileSync(target, 'precious\n');
    const sb = Sandbox.create({ now: T.canary5 });
    mkdirSync(sb.path('plans', '.rollout'), { recursive: true });
    symlinkSync(target, sb.path('plans', '.rollout', 'recommendations-v2.journal.jsonl'));
    const r = await sb.cmd('checklist', ['--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to write .*journal\.jsonl: it is a symbolic link that leads out of its folder/);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });

  it('the reports folder of the plan is a link elsewhere: the report is refused, nothing written there', async () => {
    const target = outsideDir();
    const sb = Sandbox.create({ now: T.canary5 });
    mkdirSync(sb.path('plans', 'reports'), { recursive: true });
    symlinkSync(target, sb.path('plans', 'reports', 'recommendations-v2'));
    const r = await sb.cmd('report');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to write .*pre-deploy\.md/);
    expect(existsSync(path.join(target, 'pre-deploy.md'))).toBe(false);
  });

  it('the flag file is a link elsewhere: the flag write is refused, the target unchanged', async () => {
    const target = path.join(outsideDir(), 'flags.json');
    writeFileSync(target, '{"flags":{}}\n');
    const sb = Sandbox.create({ now: T.canary5 });
    await sb.cmd('checklist', ['--yes']);
    await sb.cmd('approve', ['--by', 'tech-lead']);
    symlinkSync(target, sb.flagFile);
    const r = await sb.cmd('advance');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/refusing to write .*flags\.json/);
    expect(readFileSync(target, 'utf8')).toBe('{"flags":{}}\n');
  });
});

describe('file modes', () => {
  it('state, journal and lock-holder files are created 0600, the state folder 0700', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    expect((await sb.cmd('checklist', ['--yes'])).code).toBe(0);
    expect(statSync(sb.stateFile).mode & 0o777).toBe(0o600);
    expect(statSync(sb.journalFile).mode & 0o777).toBe(0o600);
    expect(statSync(sb.path('plans', '.rollout')).mode & 0o777).toBe(0o700);
  });
});

describe('a file that is not what it claims is reported without echoing it', () => {
  it.each([
    ['a shadow-like file', `${SECRET_LINE}\nbin:*:19000:0:99999:7:::\n`],
    ['a YAML map of other things', `password: ${SECRET_LINE}\n`],
    ['broken JSON', `{"k": "${SECRET_LINE}`],
    ['a YAML syntax error', `a: [${SECRET_LINE}\n`],
  ])('--answers with %s', async (_n, content) => {
    const sb = Sandbox.create({ now: T.canary5 });
    const file = sb.writeFile('secret.txt', content);
    const r = await sb.cmd('checklist', ['--answers', file]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).not.toMatch(/sekretHASH|Zx9|\$6\$/);
    expect(r.stderr).toMatch(/answers file/);
  });

  it.each([['/dev/zero'], ['a folder']])('--answers naming %s is refused at once', async (which) => {
    const sb = Sandbox.create({ now: T.canary5 });
    const file = which === 'a folder' ? sb.path('plans') : which;
    const r = await sb.cmd('checklist', ['--answers', file], { timeoutMs: 10_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
  });

  it.each([
    ['the metrics file (CSV)', (sb: Sandbox) => writeFileSync(sb.metricsFile, `${SECRET_LINE}\n`)],
    ['the metrics file (JSON-looking)', (sb: Sandbox) => writeFileSync(sb.metricsFile, `[${SECRET_LINE}\n`)],
    ['the incidents file', (sb: Sandbox) => sb.writeFile('plans/.rollout/incidents.json', `${SECRET_LINE}`)],
    ['the flag file', (sb: Sandbox) => sb.writeFile('plans/.rollout/flags.json', `${SECRET_LINE}`)],
  ])('%s holding something else', async (_n, plant) => {
    const sb = Sandbox.create({ now: T.canary5 });
    plant(sb);
    const runs = [
      await sb.cmd('check'),
      await sb.cmd('check', ['--json']),
      await sb.cmd('status'),
      await sb.cmd('doctor'),
    ];
    for (const r of runs) expect(r.stdout + r.stderr).not.toMatch(/sekretHASH|Zx9|\$6\$/);
    expect(runs.map((r) => r.stdout + r.stderr).join('\n')).toMatch(/not valid JSON|not a metrics CSV|header must be/);
  });
});

describe('validation of names that become URL path segments, and of traffic', () => {
  it.each([['..'], ['.'], ['a/b'], ['a?b'], ['a#b'], ['%2e%2e']])('flag key %j is refused', async (key) => {
    const sb = Sandbox.create({ editPlan: (y) => y.replace('  key: recommendations-v2', `  key: "${key}"`) });
    const r = await sb.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/recommendations\.yaml:\d+:\d+ flag\.key: a flag key cannot/);
  });

  it.each([['project'], ['environment']])('a LaunchDarkly %s of ".." is refused', async (setting) => {
    const sb = Sandbox.create();
    const r = await sb.run(['validate', 'plans/datadog-launchdarkly.yaml'], {
      env: {
        LD_API_TOKEN: 't',
        DD_API_KEY: 'k',
        DD_APP_KEY: 'a',
        PAGERDUTY_TOKEN: 'p',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
      },
    });
    expect(r.code).toBe(0);
    const file = sb.path('plans', 'datadog-launchdarkly.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace(new RegExp(`${setting}: [^,}]+`), `${setting}: ".."`);
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const bad = await sb.run(['validate', 'plans/datadog-launchdarkly.yaml'], {
      env: {
        LD_API_TOKEN: 't',
        DD_API_KEY: 'k',
        DD_APP_KEY: 'a',
        PAGERDUTY_TOKEN: 'p',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
      },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`${setting}: cannot be "\\." or "\\.\\."`));
  });

  it.each([
    [5.001, 2],
    [0.005, 2],
    [33.333, 2],
    [0.01, 0],
    [12.5, 0],
    [0.25, 0],
  ])('traffic %d → exit %d', async (traffic, code) => {
    const sb = Sandbox.create({ editPlan: (y) => y.replace('    traffic: 5\n', `    traffic: ${traffic}\n`) });
    const r = await sb.cmd('validate');
    expect({ traffic, code: r.code }).toEqual({ traffic, code });
    if (code === 2) expect(r.stderr).toMatch(/phases\[1\]\.traffic: traffic has a precision of 0\.01/);
  });
});
