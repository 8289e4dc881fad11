/**
 * Invalid plans through the built binary: exit 2, every problem as `file:line:column what (how to
 * fix)`, never a stack trace, and nothing written. Also what `validate --json` looks like.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { removeSandboxes, Sandbox, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

let sb: Sandbox;
let reference: string;
beforeAll(() => {
  sb = Sandbox.create();
  reference = readFileSync(sb.path(sb.plan), 'utf8');
});

/** Writes a variant of the reference plan next to it (so its relative paths still resolve). */
function variant(name: string, edit: (yaml: string) => string): string {
  const text = edit(reference);
  if (text === reference) throw new Error(`variant ${name}: the edit changed nothing`);
  sb.writeFile(`plans/${name}.yaml`, text);
  return `plans/${name}.yaml`;
}

/** 1-based line and column of the first occurrence of `needle` (at `offset` into it) in a file's text. */
function where(text: string, needle: string, offset = 0): string {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, i + offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

const NO_STACK = /^\s+at\s|\.js:\d+:\d+\)|node:internal/m;

function expectInvalid(r: CliResult): void {
  expect({ code: r.code, timedOut: r.timedOut }).toEqual({ code: 2, timedOut: false });
  expect(r.stderr).not.toMatch(NO_STACK);
  expect(r.stdout).toBe('');
}

describe('validate', () => {
  it('accepts the reference plan unchanged', async () => {
    const r = await sb.cmd('validate');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan "recommendations-v2" is valid');
    expect(r.stdout).toContain(
      'pre-deploy 0% → canary-5 5% of technical-users → canary-25 25% of active-users → full 100%',
    );
    const j = await sb.json('validate', [], 0);
    expect(j).toEqual({
      plan: 'recommendations-v2',
      file: 'plans/recommendations.yaml',
      valid: true,
      errors: [],
      warnings: [],
    });
  });

  it.each([
    [
      'an unknown key, with a did-you-mean',
      'unknown-key',
      (y: string) => y.replace('    minDuration: 48h', '    minDurration: 48h'),
      'minDurration: 48h',
      0,
      /phases\[1\]\.minDurration: unknown key "minDurration" \(did you mean "minDuration"\?\)/,
    ],
    [
      'a traffic lower than the previous phase',
      'decreasing',
      (y: string) => y.replace('traffic: 25', 'traffic: 3'),
      'traffic: 3',
      9,
      /phases\[2\]\.traffic: traffic 3 is lower than the previous phase "canary-5" \(5\)/,
    ],
    [
      'a bad duration',
      'duration',
      (y: string) => y.replace('minDuration: 72h', 'minDuration: 72 hours'),
      'minDuration: 72 hours',
      13,
      /phases\[2\]\.minDuration: .*duration such as 30m, 48h or 7d/,
    ],
    [
      'an unknown audience',
      'audience',
      (y: string) => y.replace('audience: active-users', 'audience: actve-users'),
      'audience: actve-users',
      10,
      /phases\[2\]\.audience: no audience named "actve-users" \(did you mean "active-users"\?/,
    ],
    [
      'a ${VAR} that is not set',
      'missing-var',
      (y: string) => y.replace('  # notifications:\n  #   team-slack:', '  notifications:\n    team-slack:'),
      '"${SLACK_WEBHOOK_URL}"',
      0,
      /providers\.notifications\.team-slack\.webhookUrl: the environment variable SLACK_WEBHOOK_URL is not set \(export SLACK_WEBHOOK_URL=/,
    ],
  ])('refuses %s (exit 2) at its file:line:column', async (_label, name, edit, needle, offset, message) => {
    const file = variant(name, edit);
    const r = await sb.run(['validate', file]);
    expectInvalid(r);
    const text = readFileSync(sb.path(file), 'utf8');
    const line = r.stderr.split('\n').find((l) => message.test(l));
    expect(line).toBeDefined();
    expect(line).toContain(`${file}:${where(text, needle, offset)} `);
    expect(r.stderr).toMatch(/1 problem/);
  });

  it('reports every problem at once, and every command refuses the plan the same way without writing anything', async () => {
    const file = variant('all-wrong', (y) =>
      y
        .replace('    minDuration: 48h', '    minDurration: 48h')
        .replace('traffic: 25', 'traffic: 3')
        .replace('minDuration: 72h', 'minDuration: 72 hours')
        .replace('audience: active-users', 'audience: actve-users'),
    );
    const v = await sb.run(['validate', file]);
    expectInvalid(v);
    expect(v.stderr).toContain('4 problems');
    expect(v.stderr.match(/^error plans\/all-wrong\.yaml:\d+:\d+ /gm)).toHaveLength(4);

    const a = await sb.run(['advance', file, '--yes']);
    expectInvalid(a);
    expect(a.stderr).toContain('4 problems in the plan');
    expect(a.stderr.match(/plans\/all-wrong\.yaml:\d+:\d+ /g)).toHaveLength(4);
    expect(existsSync(sb.path('plans', '.rollout'))).toBe(false);
    expect(existsSync(sb.path('plans', 'reports'))).toBe(false);
  });

  it('a ${VAR} that is set is used, and its value never printed', async () => {
    const file = variant('var-set', (y) =>
      y.replace('  # notifications:\n  #   team-slack:', '  notifications:\n    team-slack:'),
    );
    const r = await sb.run(['validate', file, '--json'], {
      env: { SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T000/B000/s3cr3t-v4lue' },
    });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ valid: true, errors: [] });
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-v4lue');
  });

  it('validate --json: one document with valid, errors and warnings, each problem with line, column, path and text', async () => {
    const file = variant('json-shape', (y) => y.replace('traffic: 25', 'traffic: 3'));
    const r = await sb.run(['validate', file, '--json']);
    expect(r.code).toBe(2);
    const j = r.json();
    expect(j).toMatchObject({ plan: null, file, valid: false, warnings: [] });
    expect(j.errors).toHaveLength(1);
    expect(j.errors[0]).toEqual({
      severity: 'error',
      line: expect.any(Number),
      column: expect.any(Number),
      path: 'phases[2].traffic',
      message: 'traffic 3 is lower than the previous phase "canary-5" (5)',
      hint: expect.stringContaining('never decreases'),
      text: expect.stringMatching(/^plans\/json-shape\.yaml:\d+:\d+ phases\[2\]\.traffic: /),
    });
    expect(`${j.errors[0].line}:${j.errors[0].column}`).toBe(
      where(readFileSync(sb.path(file), 'utf8'), 'traffic: 3', 9),
    );
  });
});

describe('files that are not plans', () => {
  const cases: [string, string, () => string | Buffer, RegExp, string | undefined][] = [
    ['an empty file', 'empty.yaml', () => '', /empty\.yaml:1:1 the plan is empty/, undefined],
    [
      'a file of comments only',
      'comments.yaml',
      () => '# nothing here\n# yet\n',
      /comments\.yaml:1:1 the plan is empty/,
      undefined,
    ],
    [
      'a binary file',
      'binary.yaml',
      () => Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0\0\0'), readFileSync(process.execPath).subarray(0, 4096)]),
      /binary\.yaml:1:1 .*binary/,
      undefined,
    ],
    [
      'a huge file',
      'huge.yaml',
      () => `version: 1\nname: huge\ntitle: "${'x'.repeat(2 * 1024 * 1024)}"\n`,
      /huge\.yaml:1:1 the file is \d+ bytes; a plan is at most 1048576 bytes/,
      undefined,
    ],
    [
      'deeply nested YAML (block mappings)',
      'nested.yaml',
      () => `${Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} 1\n`,
      /nested\.yaml:1:1 the plan nests \d+ levels deep; at most 32/,
      undefined,
    ],
    [
      'absurdly nested YAML (flow sequences)',
      'flow.yaml',
      () => `version: 1\nname: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      /flow\.yaml:\d+:\d+ the plan nests too deeply/,
      undefined,
    ],
    [
      'a YAML syntax error',
      'syntax.yaml',
      () => 'version: 1\nname: "broken\nphases: []\n',
      /syntax\.yaml:4:1 YAML syntax: Missing closing "quote/,
      undefined,
    ],
    [
      'a duplicated key',
      'dup.yaml',
      () => 'version: 1\nname: a\nname: b\n',
      /dup\.yaml:3:1 YAML syntax: .*(unique|duplicate)/i,
      'each key may appear once',
    ],
    [
      'a YAML list instead of a plan',
      'list.yaml',
      () => '- a\n- b\n',
      /list\.yaml:1:1 the plan must be a mapping/,
      undefined,
    ],
  ];

  it.each(cases)(
    '%s: exit 2 with file:line:column and no stack trace',
    async (_label, name, content, message, hint) => {
      sb.writeFile(`plans/${name}`, content());
      const r = await sb.run(['validate', `plans/${name}`]);
      expectInvalid(r);
      expect(r.stderr).toMatch(message);
      if (hint) expect(r.stderr).toContain(hint);
      expect(r.stderr).not.toMatch(/Maximum call stack|RangeError|TypeError/);
    },
  );

  it('a plan that does not exist: exit 2 naming the path', async () => {
    const r = await sb.run(['status', 'plans/nope.yaml']);
    expectInvalid(r);
    expect(r.stderr).toContain('plans/nope.yaml');
  });
});

describe('bounds that keep every command working', () => {
  it.each([
    [
      'a minDuration',
      'long-soak',
      (y: string) => y.replace('minDuration: 48h', 'minDuration: 999999999d'),
      'minDuration: 999999999d',
      13,
      /phases\[1\]\.minDuration: .*at most 365d/,
    ],
    [
      'a sloWindow',
      'long-window',
      (y: string) => y.replace('sloWindow: 24h', 'sloWindow: 999999999d'),
      'sloWindow: 999999999d',
      11,
      /advance\.sloWindow: .*at most 365d/,
    ],
    [
      'a rollback timeout',
      'long-timeout',
      (y: string) => y.replace('    estimate: 2m\n', '    estimate: 2m\n    timeout: 400d\n'),
      'timeout: 400d',
      9,
      /rollback\[0\]\.timeout: .*at most 365d/,
    ],
  ])(
    '%s longer than 365d is refused at validation (exit 2, file:line:column), so no command ends in "Invalid time value"',
    async (_label, name, edit, needle, offset, message) => {
      const file = variant(name, edit);
      const text = readFileSync(sb.path(file), 'utf8');
      for (const cmd of ['validate', 'status', 'show', 'advance']) {
        const r = await sb.run([cmd, file]);
        expectInvalid(r);
        expect(r.stderr).not.toContain('Invalid time value');
        const line = r.stderr.split('\n').find((l) => message.test(l));
        expect(line).toBeDefined();
        expect(line).toContain(`${file}:${where(text, needle, offset)} `);
      }
    },
  );

  it('an alias used before its anchor is an invalid plan (exit 2) pointing at the alias', async () => {
    const file = variant('alias-first', (y) =>
      y
        .replace('owner: Recommendations Engineering', 'owner: *team')
        .replace('service: recommendations', 'service: &team recommendations'),
    );
    const r = await sb.run(['validate', file]);
    expectInvalid(r);
    expect(r.stderr).toContain(`${file}:${where(readFileSync(sb.path(file), 'utf8'), '*team')} `);
    expect(r.stderr).toMatch(/alias \*team .*anchor/);
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('more than 50 aliases is refused (exit 2) at the 51st', async () => {
    const vars = `${['variables:', '  a0: &v x', ...Array.from({ length: 51 }, (_, i) => `  b${i}: *v`)].join('\n')}\n`;
    const file = variant('many-aliases', (y) => y.replace('strategy: canary', `strategy: canary\n${vars}`));
    const r = await sb.run(['validate', file]);
    expectInvalid(r);
    expect(r.stderr).toContain(`${file}:${where(readFileSync(sb.path(file), 'utf8'), 'b50: *v', 5)} `);
    expect(r.stderr).toMatch(/more than 50 aliases/);
    expect(r.stderr).not.toContain('unexpected error');
  });
});
