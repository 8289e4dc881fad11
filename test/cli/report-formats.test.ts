/**
 * What people and CI tools open, through the built binary: the HTML report rendered by headless Chromium
 * (no console errors, no network request, charts on the screenshot), the index page, the closing
 * documents, the JUnit file validated against the JUnit XSD (xmllint), the GitHub step summary and
 * annotations, and pt-BR output. Chromium and xmllint come from scripts/servers/install-packages.sh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { escapeData } from '../../src/reports/ci.js';
import { openPage } from '../helpers/chromium.js';
import { after, REPO, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(removeSandboxes);
// walks of the reference plan through the binary, and Chromium starts: slow on a loaded machine
jest.setTimeout(150_000);

const withHtml = (yaml: string) => yaml.replace('formats: [md, json]', 'formats: [md, json, html]');

function need(tool: string): void {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
    throw new Error(`${tool} is not installed: run scripts/servers/install-packages.sh ${tool}`);
}

/** Walks the reference plan into canary-5 and makes latency breach, so the charts have breaches to draw. */
async function breachedCanary(editPlan = withHtml): Promise<Sandbox> {
  const sb = Sandbox.create({ now: T.canary5, editPlan });
  expect((await sb.cmd('checklist', ['--yes'])).code).toBe(0);
  expect((await sb.cmd('approve', ['--by', 'tech-lead'])).code).toBe(0);
  expect((await sb.cmd('advance')).code).toBe(0);
  sb.clock.set(after(T.canary5, '12h'));
  for (const h of ['-2h', '-1h', '0h']) sb.setMetric(after(sb.clock.now, h), 'latency_p95', 'canary', 640);
  expect((await sb.cmd('advance')).code).toBe(4);
  return sb;
}

/** Where the screenshots go: ROLLOUT_SHOTS (to look at them, or refresh docs/img), else a temp folder. */
const SHOTS = process.env['ROLLOUT_SHOTS'] ?? mkdtempSync(path.join(os.tmpdir(), 'rollout-shots-'));

async function render(file: string, shot: string, dark = false) {
  need('chromium');
  const run = await openPage(`file://${file}`, { dark });
  writeFileSync(path.join(SHOTS, shot), run.png);
  return { ...run, requested: run.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')) };
}

describe('HTML report through headless Chromium', () => {
  it('renders the charts with no console error and no request; the index links every phase', async () => {
    const sb = await breachedCanary();
    const dir = sb.path('plans', 'reports', 'recommendations-v2');
    const page = path.join(dir, 'canary-5.html');
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/<script|<link |@import|url\(|src="http/i);
    const { dom, console: logged, requested, png } = await render(page, 'canary-5.png');
    expect(logged).toEqual([]);
    expect(requested).toEqual([]);
    // the rendered DOM holds a chart per gating metric, with the breach points, the SLO line and the judged window
    expect(dom.match(/<figure class="chart">/g)?.length).toBe(5);
    const latency = dom.match(/<figcaption>latency_p95 \(ms\)<\/figcaption>[\s\S]*?<\/figure>/)?.[0] ?? '';
    expect(latency.match(/<circle class="breach"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(latency).toContain('class="slo"');
    expect(latency).toContain('class="judged"');
    expect(latency).toMatch(/<polyline class="canary"/);
    expect(latency).toMatch(/<polyline class="control"/);
    expect(dom).toContain('Executive summary');
    expect(png.length).toBeGreaterThan(50_000);

    const index = readFileSync(path.join(dir, 'index.html'), 'utf8');
    expect(index).toContain('href="pre-deploy.html"');
    expect(index).toContain('href="canary-5.html"');
    expect(index).toMatch(/canary-5[\s\S]*the gate failed on latency_p95/);
    const idx = await render(path.join(dir, 'index.html'), 'index-dark.png', true);
    expect(idx.console).toEqual([]);
    expect(idx.requested).toEqual([]);
  });

  it('the harness sees a request and a console error when a page makes them', async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const bad = sb.writeFile(
      'bad.html',
      '<!doctype html><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>',
    );
    const run = await render(bad, 'bad.png');
    expect(run.requested).toContain('http://127.0.0.1:9/x.png');
    expect(run.console.join('\n')).toContain('boom');
  });

  it('a metrics provider that cannot answer leaves each chart saying why; the report is still written', async () => {
    const sb = Sandbox.create({ now: T.canary5, editPlan: withHtml });
    expect((await sb.cmd('checklist', ['--yes'])).code).toBe(0);
    expect((await sb.cmd('approve', ['--by', 'tech-lead'])).code).toBe(0);
    expect((await sb.cmd('advance')).code).toBe(0);
    rmSync(sb.metricsFile);
    sb.clock.advance('2h');
    expect((await sb.cmd('advance')).code).toBe(3);
    const html = readFileSync(sb.path('plans', 'reports', 'recommendations-v2', 'canary-5.html'), 'utf8');
    expect(html.match(/<p class="nodata">No data to draw: [^<]*recommendations-metrics\.csv/g)?.length).toBe(5);
  });

  it('has the flag before/after, a dark scheme and a print layout', async () => {
    const sb = await breachedCanary();
    const html = readFileSync(sb.path('plans', 'reports', 'recommendations-v2', 'pre-deploy.html'), 'utf8');
    expect(html).toMatch(/<h2>Flag<\/h2>\s*<table><thead><tr><th><\/th><th>enabled<\/th>/);
    expect(html).toMatch(/<td>before<\/td><td>(false|-)<\/td><td>(0%|-)<\/td>/);
    expect(html).toMatch(/<td>after<\/td><td>true<\/td><td>5%<\/td><td>technical-users<\/td>/);
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('@media print');
  });
});

describe('JUnit, step summary and annotations from check and advance', () => {
  it('writes a JUnit file valid against the JUnit XSD: fail → failure, hold → skipped with the reason', async () => {
    need('xmllint');
    const sb = await breachedCanary((y) => `${y}\n`);
    sb.clock.advance('1h');
    const r = await sb.cmd('check', ['--junit', 'gate.xml']);
    expect(r.code).toBe(4);
    const xml = readFileSync(sb.path('gate.xml'), 'utf8');
    const lint = spawnSync(
      'xmllint',
      ['--noout', '--schema', path.join(REPO, 'test/fixtures/junit.xsd'), sb.path('gate.xml')],
      {
        encoding: 'utf8',
      },
    );
    expect(lint.stderr).toContain('validates');
    expect(lint.status).toBe(0);
    expect(xml).toMatch(/name="latency_p95" time="0">\s*<failure message="[^"]*breaks the SLO &lt; 500 ms/);
    expect(xml).toMatch(/name="minDuration" time="0">\s*<skipped message="hold: [^"]+"\/>/);
    expect(xml).toMatch(
      /<testsuite name="recommendations-v2\.canary-5" tests="\d+" failures="1" errors="0" skipped="\d+"/,
    );
  });

  it('a --junit path whose folder does not exist is a usage error and changes nothing', async () => {
    const sb = await breachedCanary((y) => `${y}\n`);
    const before = readFileSync(sb.journalFile, 'utf8');
    const r = await sb.cmd('advance', ['--junit', 'no/such/dir/gate.xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--junit no/such/dir/gate.xml: the folder');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(sb.journalFile, 'utf8')).toBe(before);
  });

  it('appends a Markdown summary to GITHUB_STEP_SUMMARY and prints escaped annotations under GITHUB_ACTIONS', async () => {
    const sb = await breachedCanary((y) => `${y}\n`);
    const summary = sb.path('summary.md');
    writeFileSync(summary, '# earlier step\n');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const r = await sb.cmd('check', [], { env });
    expect(r.code).toBe(4);
    const md = readFileSync(summary, 'utf8');
    expect(
      md.startsWith('# earlier step\n### rollout recommendations-v2: canary-5 (5% of technical-users) → **failed**'),
    ).toBe(true);
    expect(md).toMatch(/\| latency_p95 \| ❌ fail \| 640 ms \| < 500 ms \|/);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^::error file=plans\/recommendations\.yaml,title=rollout recommendations-v2 canary-5%3A latency_p95 fail::.*640/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^::warning .*minDuration hold::/));
    // under --json the annotations go to stderr: stdout stays one JSON document
    const j = await sb.cmd('check', ['--json'], { env });
    expect(() => JSON.parse(j.stdout)).not.toThrow();
    expect(j.stderr).toMatch(/::error .*latency_p95/);
    // without GITHUB_ACTIONS nothing of the kind
    expect((await sb.cmd('check')).stdout).not.toContain('::error');
  });

  it.each([
    ['100%', '100%25'],
    ['a\nb', 'a%0Ab'],
    ['a\rb', 'a%0Db'],
    ['%0A', '%250A'],
  ])('annotation data %j is escaped as %j', (raw, escaped) => {
    expect(escapeData(raw)).toBe(escaped);
  });
});

describe('pt-BR', () => {
  it('the pt-BR example plan validates and walks to completion with Portuguese reports, release notes and lessons learned', async () => {
    const plan = 'plans/recommendations-pt-BR.yaml';
    const sb = Sandbox.create({ now: T.canary5 });
    const run = (args: string[]) => sb.run([args[0]!, plan, ...args.slice(1)]);
    expect((await run(['validate'])).code).toBe(0);
    expect((await run(['checklist', '--yes'])).code).toBe(0);
    for (const at of [T.canary5, T.canary25, T.full, T.done]) {
      sb.clock.set(at);
      expect((await run(['approve', '--by', 'tech-lead'])).code).toBe(0);
      expect((await run(['advance'])).code).toBe(0);
    }
    const dir = sb.path('plans', 'reports', 'recomendacoes-v2');
    const md = readFileSync(path.join(dir, 'canary-5.md'), 'utf8');
    expect(md).toContain('## Resumo executivo');
    expect(md).toContain('**Onde o rollout está:**');
    expect(md).toContain('## Decisão');
    expect(md).toMatch(/\| início \| 18 de jun\. de 2026, 09:00 UTC \|/);
    // decimal comma from Intl
    expect(md).toMatch(/\| latency_p95 \| ✅ passou \| \d+ ms \(pior\)/);
    expect(md).toMatch(/\| error_rate \| ✅ passou \| 0,\d+ % \(pior\)/);
    // plan texts stay as written
    expect(readFileSync(path.join(dir, 'pre-deploy.md'), 'utf8')).toContain('Validar métricas baseline');
    expect(readFileSync(path.join(dir, 'release-notes.md'), 'utf8')).toContain('# Notas de release (rascunho)');
    const lessons = readFileSync(path.join(dir, 'lessons-learned.md'), 'utf8');
    expect(lessons).toContain('### Durações em relação ao cronograma');
    expect(lessons).toMatch(
      /\| canary-25 \| 20 de jun\. de 2026, 09:00 UTC \| 20 de jun\. de 2026, 09:00 UTC \| 23 de jun\. de 2026, 09:00 UTC \| 3d \|/,
    );
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('<html lang="pt-BR">');
    expect(existsSync(path.join(dir, 'full.html'))).toBe(true);
  });
});

describe('snapshots of every format, volatile parts masked', () => {
  /** What differs between machines and runs: the sandbox folder, who ran it on which host. */
  const mask = (text: string, sb: Sandbox) =>
    text
      .replaceAll(sb.path(), '<sandbox>')
      .replaceAll(`${os.userInfo().username}@${os.hostname()}`, '<user>@<host>')
      .replace(/"(os|host)": "[^"]*"/g, '"$1": "<masked>"');

  it('md, json, html, junit and the step summary of a failed canary gate', async () => {
    const sb = await breachedCanary();
    const dir = sb.path('plans', 'reports', 'recommendations-v2');
    const summary = sb.path('summary.md');
    expect((await sb.cmd('check', ['--junit', 'gate.xml'], { env: { GITHUB_STEP_SUMMARY: summary } })).code).toBe(4);
    const read = (f: string) => mask(readFileSync(f, 'utf8'), sb);
    expect(read(path.join(dir, 'canary-5.md'))).toMatchSnapshot('canary-5.md');
    expect(read(path.join(dir, 'canary-5.json'))).toMatchSnapshot('canary-5.json');
    // the stylesheet is one constant; the page's content is what changes
    expect(read(path.join(dir, 'canary-5.html')).replace(/<style>[\s\S]*?<\/style>/, '<style/>')).toMatchSnapshot(
      'canary-5.html',
    );
    expect(read(path.join(dir, 'index.html')).replace(/<style>[\s\S]*?<\/style>/, '<style/>')).toMatchSnapshot(
      'index.html',
    );
    expect(read(sb.path('gate.xml'))).toMatchSnapshot('gate.junit.xml');
    expect(read(summary)).toMatchSnapshot('step-summary.md');
  });
});
