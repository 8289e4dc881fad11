/**
 * Issue 7 item 1, through the built binary: no shell injection from values. Every template variable
 * (`{{service}}`, `{{flag}}`, `{{cohort}}`, `{{window}}`, plan variables) and every `${VAR}` in a
 * command metric's query or a `run:` carries payloads with `$( )`, backticks, `;`, `|`, newlines and
 * quotes; none may run, and each must reach the command as exactly the value it is.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { explain, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

const PLAN = 'plans/injection.yaml';

/** Each payload tries to create a file named PWNED… in the plan folder (or the sandbox). */
const PAYLOADS: Record<string, string> = {
  subst: 'a$(touch PWNED1)',
  backtick: 'a`touch PWNED2`',
  semicolon: 'a;touch PWNED3',
  pipe: 'a|touch PWNED4',
  newline: 'a\ntouch PWNED5',
  single: "a';touch PWNED6;'",
  double: 'a";touch PWNED7;"',
  mixed: `a'"$(touch PWNED8)"'\`touch PWNED9\``,
};

/**
 * A plan whose service, flag key and variables come from the environment, with one command metric per
 * quoting context. Each query writes the values it received to a file (one per metric) and prints 1.
 * The flag key cannot hold spaces (validation refuses them), so its payloads have none.
 */
const plan = (runQuoting: 'plain' | 'double' | 'single') => `version: 1
name: injection
service: "\${SERVICE_NAME}"
flag: { key: "\${FLAG_KEY}" }
variables:
  region: "\${REGION}"
providers:
  flags:
    local: { type: file, path: .rollout/flags.json }
  metrics:
    sh: { type: command, timeout: 10s }
metrics:
  - name: plain
    query: printf '%s|%s|%s|%s|%s|%s|%s' {{service}} {{flag}} {{cohort}} {{window}} {{region}} {{variables.region}} \${EXTRA} > got-plain.txt; echo 1
    slo: { below: 5 }
  - name: double
    query: printf '%s|%s|%s|%s|%s|%s|%s' "{{service}}" "{{flag}}" "{{cohort}}" "{{window}}" "{{region}}" "{{variables.region}}" "\${EXTRA}" > got-double.txt; echo 1
    slo: { below: 5 }
  - name: single
    query: printf '%s|%s|%s|%s|%s|%s|%s' '{{service}}' '{{flag}}' '{{cohort}}' '{{window}}' '{{region}}' '{{variables.region}}' '\${EXTRA}' > got-single.txt; echo 1
    slo: { below: 5 }
phases:
  - name: pre
    traffic: 0
    checklist:
      - { id: probe, text: Probe, run: ${JSON.stringify(runText(runQuoting))} }
  - { name: full, traffic: 100 }
rollback:
  - { component: c, procedure: p, run: ${JSON.stringify(runText(runQuoting).replace('got-run', 'got-rollback'))} }
`;

function runText(q: 'plain' | 'double' | 'single'): string {
  const ref = (v: string) => (q === 'plain' ? `\${${v}}` : q === 'double' ? `"\${${v}}"` : `'\${${v}}'`);
  return `printf '%s|%s' ${ref('EXTRA')} ${ref('REGION')} > got-run.txt`;
}

function sandbox(runQuoting: 'plain' | 'double' | 'single'): Sandbox {
  const sb = Sandbox.create({ now: T.canary5 });
  sb.writeFile(PLAN, plan(runQuoting));
  return sb;
}

function pwned(sb: Sandbox): string[] {
  return [sb.dir, sb.path('plans')].flatMap((d) => readdirSync(d).filter((f) => f.startsWith('PWNED')));
}

const env = (payload: string, flag: string) => ({
  SERVICE_NAME: payload,
  FLAG_KEY: flag,
  REGION: payload,
  EXTRA: payload,
  ROLLOUT_NO_CACHE: '1',
});
const flagPayload = (p: string) => p.replace(/\s+/g, '');

describe('rollout check: the command metrics provider', () => {
  it.each(Object.entries(PAYLOADS))(
    '%s: nothing runs, and each command receives the exact values',
    async (_name, payload) => {
      const sb = sandbox('plain');
      const flag = flagPayload(payload);
      const r = await sb.run(['check', PLAN, '--json'], { env: env(payload, flag) });
      expect([0, 3, 4]).toContain(r.code);
      expect(pwned(sb)).toEqual([]);
      const want = [payload, flag, 'control', '1h', payload, payload, payload].join('|');
      for (const ctx of ['plain', 'double', 'single']) {
        const file = sb.path('plans', `got-${ctx}.txt`);
        expect({ ctx, exists: existsSync(file) }).toEqual({ ctx, exists: true });
        expect({ ctx, got: readFileSync(file, 'utf8') }).toEqual({ ctx, got: want });
      }
      // the values are data in the output too: the metrics were read (1 point each), no error
      const doc = r.json();
      for (const ctx of ['plain', 'double', 'single']) {
        const c = doc.criteria.find((x: { name: string }) => x.name === ctx);
        expect(c.detail).not.toMatch(/exited with code|could not be started/);
      }
    },
  );
});

describe('run: commands (checklist and rollback)', () => {
  it.each(
    Object.entries(PAYLOADS).flatMap(([n, p]) =>
      (['plain', 'double', 'single'] as const).map((q): [string, 'plain' | 'double' | 'single', string] => [n, q, p]),
    ),
  )('%s, ${VAR} written %s: nothing runs, the command receives the value', async (_name, quoting, payload) => {
    const sb = sandbox(quoting);
    const flag = flagPayload(payload);
    const c = await sb.run(['checklist', PLAN, '--yes', '--json'], { env: env(payload, flag) });
    expect({ code: c.code, out: explain(c) }).toMatchObject({ code: 0 });
    expect(pwned(sb)).toEqual([]);
    expect(readFileSync(sb.path('plans', 'got-run.txt'), 'utf8')).toBe(`${payload}|${payload}`);
    const rb = await sb.run(['rollback', PLAN, '--yes', '--json'], { env: env(payload, flag) });
    expect(pwned(sb)).toEqual([]);
    expect({ code: rb.code, out: explain(rb) }).toMatchObject({ code: 0 });
    expect(readFileSync(sb.path('plans', 'got-rollback.txt'), 'utf8')).toBe(`${payload}|${payload}`);
  });
});
