/**
 * Values never become shell text (issue 7 item 1): every template value and `${VAR}` reaches /bin/sh as
 * a reference to an environment variable, whatever quoting context the plan author wrote it in. The
 * scripts are run for real with /bin/sh, so the test is about what the shell does, not about strings.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { templateEnvName, toShellScript } from '../../src/engine/shell-text.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rollout-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every payload tries to create PWNED in the working folder. */
const PAYLOADS = [
  'x$(touch PWNED)',
  'x`touch PWNED`',
  'x; touch PWNED',
  'x | touch PWNED',
  'x && touch PWNED',
  'x\ntouch PWNED',
  "x'; touch PWNED; '",
  'x"; touch PWNED; "',
  'x\'"$(touch PWNED)"\'',
  '$(touch PWNED)',
  '*',
  '-n',
  'a  b\tc',
  'x\\"; touch PWNED; #',
  '${HOME}$(touch PWNED)',
];

const run = (script: string, env: Record<string, string>): string => {
  rmSync(path.join(dir, 'PWNED'), { force: true });
  const out = execFileSync('/bin/sh', ['-c', script], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  return out;
};

describe('template values reach the shell as data', () => {
  // printf '[%s]' shows each argument the shell passed: one argument, exactly the value
  const contexts: Array<[string, string]> = [
    ['unquoted', "printf '[%s]' {{service}}"],
    ['double-quoted', 'printf \'[%s]\' "{{service}}"'],
    ['single-quoted', "printf '[%s]' '{{service}}'"],
    ['inside $( )', 'printf \'[%s]\' "$(printf %s {{service}})"'],
    ['inside backticks', 'printf \'[%s]\' "`printf %s {{service}}`"'],
    ['after text in a word', "printf '[%s]' svc={{service}}"],
  ];
  test.each(contexts.flatMap(([ctx, tpl]) => PAYLOADS.map((p): [string, string, string] => [ctx, tpl, p])))(
    '%s: %j with %j',
    (_ctx, template, payload) => {
      const { script, env } = toShellScript(template, { service: payload });
      const out = run(script, env);
      expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
      const want = template.includes('svc=') ? `svc=${payload}` : payload;
      // $( ) and backticks drop trailing newlines of what they print; nothing else changes
      expect(out).toBe(`[${template.includes('printf %s') ? want.replace(/\n+$/, '') : want}]`);
    },
  );

  test.each(['service', 'flag', 'cohort', 'window', 'region', 'variables.region', 'my-var.x'])(
    '{{%s}} is a reference to its own variable',
    (name) => {
      const { script, env } = toShellScript(`echo {{${name}}}`, { [name]: 'v$(touch PWNED)' });
      expect(script).toBe(`echo "\${${templateEnvName(name)}}"`);
      expect(env).toEqual({ [templateEnvName(name)]: 'v$(touch PWNED)' });
    },
  );

  test('names: built-ins are ROLLOUT_<NAME>, plan variables ROLLOUT_VAR_<NAME>', () => {
    expect(templateEnvName('service')).toBe('ROLLOUT_SERVICE');
    expect(templateEnvName('flag')).toBe('ROLLOUT_FLAG');
    expect(templateEnvName('region')).toBe('ROLLOUT_VAR_REGION');
    expect(templateEnvName('variables.region')).toBe('ROLLOUT_VAR_REGION');
    expect(templateEnvName('db-host.eu')).toBe('ROLLOUT_VAR_DB_HOST_EU');
  });

  test('an unknown template value is an error naming it, not text left for the shell', () => {
    expect(() => toShellScript('echo {{nope}}', { service: 's' })).toThrow(/unknown template value \{\{nope\}\}/);
  });

  test('an escaped template is text', () => {
    const { script } = toShellScript('echo \\{{service}}', { service: 's' });
    expect(run(script, {})).toBe('{{service}}\n');
  });
});

describe('${VAR} in shell text is a reference to the variable, never its value spliced in', () => {
  test.each(PAYLOADS)('%j', (payload) => {
    for (const template of [
      "printf '[%s]' ${EVIL}",
      'printf \'[%s]\' "${EVIL}"',
      "printf '[%s]' '${EVIL}'",
      "printf '[%s]' ${EVIL:-fallback}",
    ]) {
      const { script, env } = toShellScript(template);
      expect(env).toEqual({});
      expect(run(script, { EVIL: payload })).toBe(`[${payload}]`);
      expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
    }
  });

  test('${VAR:-default} keeps its default when the variable is unset', () => {
    expect(run(toShellScript("printf '[%s]' '${UNSET_VAR:-a default}'").script, {})).toBe('[a default]');
  });

  test("the shell's own $VAR and the author's quoting are left alone", () => {
    const text = `A=1; echo "$A" '$A' \\$A`;
    expect(toShellScript(text).script).toBe(text);
    expect(run(text, {})).toBe('1 $A $A\n');
  });
});
