/**
 * Issue 7 item 6, through the built binary: hostile provider text stays text. Incident titles, HTTP
 * error bodies, a command's stderr and a checklist command's output carry terminal escape sequences
 * (`ESC ]0;… BEL` retitles the terminal, `ESC [2J` clears it), C0/C1 controls, bidi overrides and
 * characters XML forbids. None of it may reach the terminal, a report or the journal as control
 * characters, and the JUnit file must parse with a standard XML parser (Python's expat).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { startServer, type FakeServer, type RecordedRequest } from '../helpers/fakes/http.js';
import { filesUnder } from '../helpers/files.js';

const HOSTILE = [
  '\u001b]0;PWNED-TITLE\u0007',
  '\u001b[2J\u001b[H',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;http://evil.example\u001b\\link\u001b]8;;\u001b\\',
  'bell\u0007nul\u0000bs\u0008del\u007f',
  'c1\u009b2Jcsi\u009d0;t\u009c',
  'cr\roverwrite',
  'bidi\u202eevil\u202c',
  'xml\ufffe\uffff',
  'lone\ud800surrogate',
  ']]><![CDATA[<x/>&amp;',
].join(' ');

const CONTROL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])/;
const NON_SGR_ESCAPE = /\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]/;

let server: FakeServer;
beforeAll(async () => {
  server = await startServer((_req: RecordedRequest, res: ServerResponse) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `boom ${HOSTILE}` }));
  });
});
afterAll(async () => {
  await server.close();
  removeSandboxes();
});

/** No control character in a text; with colour, only SGR sequences (ours) may remain. */
function clean(where: string, text: string, color = false): void {
  const bad = (color ? NON_SGR_ESCAPE : CONTROL).exec(text);
  expect({ where, bad: bad ? JSON.stringify(text.slice(Math.max(0, bad.index - 20), bad.index + 20)) : null }).toEqual({
    where,
    bad: null,
  });
  expect({ where, retitle: text.includes('PWNED-TITLE') && /\u001b\]0;PWNED/.test(text) }).toEqual({
    where,
    retitle: false,
  });
}

/** Every string in a parsed JSON document, keys included. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  return out;
}

function parsesAsXml(file: string): string {
  // expat, the parser behind Python's xml.etree: strict XML 1.0 (refuses control characters)
  return execFileSync(
    'python3',
    ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1]); print("ok")', file],
    { encoding: 'utf8' },
  ).trim();
}

function checkOutputs(sb: Sandbox, runs: Record<string, CliResult>, color = false): void {
  for (const [name, r] of Object.entries(runs)) {
    clean(`${name} stdout`, r.stdout, color);
    clean(`${name} stderr`, r.stderr, color);
    expect({ name, unexpected: /unexpected error/.test(r.stderr) }).toEqual({ name, unexpected: false });
    if (name.includes('--json')) for (const s of strings(r.json())) clean(`${name} json value`, s);
  }
  // what rollout wrote (the incidents file is the test's own input)
  const written = [...filesUnder(sb.path('plans', '.rollout')), ...filesUnder(sb.path('plans', 'reports'))].filter(
    (f) => !f.endsWith('incidents.json'),
  );
  expect(written.some((f) => f.endsWith('.junit.xml'))).toBe(true);
  for (const f of written) {
    const text = readFileSync(f, 'utf8');
    clean(f, text);
    if (f.endsWith('.json')) for (const s of strings(JSON.parse(text))) clean(`${f} value`, s);
    if (f.endsWith('.jsonl'))
      for (const line of text.split('\n').filter(Boolean))
        for (const s of strings(JSON.parse(line))) clean(`${f} value`, s);
    if (f.endsWith('.xml')) expect({ f, xml: parsesAsXml(f) }).toEqual({ f, xml: 'ok' });
  }
}

describe('hostile provider text is stripped of control characters everywhere', () => {
  it.each([
    ['without colour', {}],
    ['with FORCE_COLOR=1', { FORCE_COLOR: '1' }],
  ])("incident titles and a checklist command's output (reference plan, %s)", async (_n, extra) => {
    const sb = Sandbox.create({
      now: T.canary5,
      editPlan: (y) =>
        y
          .replace(
            '      - Monitoring active\n',
            `      - Monitoring active\n      - { id: noisy, text: Noisy, run: 'cat noise.txt' }\n`,
          )
          .replace('formats: [md, json]', 'formats: [md, json, html, junit]'),
    });
    sb.writeIncidents([{ id: `INC-1 ${HOSTILE}`, severity: 'critical', status: 'open', title: `db down ${HOSTILE}` }]);
    sb.writeFile('plans/noise.txt', `${HOSTILE}\n`);
    const env = { ...extra };
    const runs: Record<string, CliResult> = {
      'checklist --json': await sb.cmd('checklist', ['--yes', '--json'], { env }),
      checklist: await sb.cmd('status', [], { env }),
      check: await sb.cmd('check', [], { env }),
      'check --json': await sb.cmd('check', ['--json'], { env }),
      advance: await sb.cmd('advance', [], { env }),
      report: await sb.cmd('report', [], { env }),
      history: await sb.cmd('history', [], { env }),
      'history --json': await sb.cmd('history', ['--json'], { env }),
    };
    // the hostile text was there: the incident failed the gate and its title is shown, as text
    expect(runs['check']!.code).toBe(4);
    expect(runs['check']!.stdout).toMatch(/db down .*red link/);
    checkOutputs(sb, runs, 'FORCE_COLOR' in extra);
  });

  it("HTTP error bodies and a command metric's stderr", async () => {
    const sb = Sandbox.create({ now: T.canary5 });
    const plan = 'plans/noisy.yaml';
    sb.writeFile(
      plan,
      `version: 1
name: noisy
flag: { key: noisy }
providers:
  flags: { local: { type: file, path: .rollout/flags.json } }
  metrics:
    web: { type: http, url: "${server.url}/q", jsonPath: "$.v", retries: 0 }
    sh: { type: command }
metrics:
  - { name: web, provider: web, query: x, slo: { below: 1 } }
  - { name: sh, provider: sh, query: 'cat noise.txt >&2; exit 3', slo: { below: 1 } }
phases:
  - { name: a, traffic: 0 }
  - { name: b, traffic: 100 }
reports: { dir: reports, formats: [md, json, html, junit] }
`,
    );
    sb.writeFile('plans/noise.txt', `${HOSTILE}\n`);
    const env = {};
    const run = (args: string[]) => sb.run([args[0]!, plan, ...args.slice(1)], { env });
    const runs: Record<string, CliResult> = {
      check: await run(['check']),
      'check --json': await run(['check', '--json']),
      advance: await run(['advance']),
      'doctor --json': await run(['doctor', '--json']),
      doctor: await run(['doctor']),
      report: await run(['report']),
    };
    expect(runs['check']!.stdout).toMatch(/boom/);
    checkOutputs(sb, runs);
  });
});
