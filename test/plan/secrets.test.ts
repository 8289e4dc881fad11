import { describe, expect, test } from '@jest/globals';
import { nameLooksSecret, reachesPastHost, secretValues } from '../../src/plan/secrets.js';
import { validatePlan } from '../helpers/validate-plan.js';

describe('nameLooksSecret', () => {
  test.each([
    ['LD_API_TOKEN', true],
    ['GITHUB_TOKEN', true],
    ['DB_PASSWORD', true],
    ['DB_PASSWD', true],
    ['SIGNING_KEY', true],
    ['API_KEY', true],
    ['slackWebhook', true],
    ['SLACK_WEBHOOK_URL', true],
    ['CLIENT_SECRET', true],
    ['SESSION_COOKIE', true],
    ['BASIC_AUTH', true],
    ['SENTRY_DSN', true],
    ['PRIVATE_KEY_PEM', true],
    ['DEPLOY_ENV', false],
    ['REGION', false],
    ['PWD', false],
    ['SERVICE_NAME', false],
    ['KEYBOARD_LAYOUT', false],
    ['MONKEY', false],
    ['PROM_URL', false],
  ])('%s → %s', (name, want) => expect(nameLooksSecret(name)).toBe(want));
});

describe('reachesPastHost', () => {
  const url = 'http://user:pw@prom.internal:9090/api/t0k/q?x=1';
  test.each([
    ['the host', 'prom.internal', false],
    ['the port', '9090', false],
    ['the password', 'pw', true],
    ['the user', 'user', true],
    ['a path segment', 't0k', true],
    ['the query', 'x=1', true],
  ])('%s → %s', (_n, part, want) => {
    const start = url.indexOf(part);
    expect(reachesPastHost(url, start, start + part.length)).toBe(want);
  });
  test('a whole URL with a path reaches past its host; one with only a host does not', () => {
    expect(reachesPastHost('http://h/m/x', 0, 12)).toBe(true);
    expect(reachesPastHost('http://h:1', 0, 10)).toBe(false);
  });
});

describe('which ${VAR} values validation calls secrets', () => {
  const plan = (extra: string) => `version: 1
name: p
service: "\${SERVICE_NAME}"
flag: { key: f }
variables: { env: "\${DEPLOY_ENV}", apiToken: "\${MY_API_TOKEN}" }
providers:
  flags: { local: { type: file, path: f.json } }
  metrics:
    web: { type: http, url: "\${MURL}", jsonPath: "$.v", headers: { Authorization: "\${AUTHZ}", X-Trace: "\${TRACE_ID}" } }
    prom: { type: prometheus, url: "http://\${PROM_HOST}:9090/\${PROM_PATH}" }
  notifications:
    hook: { type: webhook, url: "\${HOOK}" }
${extra}
phases:
  - { name: a, traffic: 0, checklist: [{ text: t, run: 'curl -H "X: $RUN_SECRET" \${RUN_PLAIN}' }] }
`;
  const env = {
    SERVICE_NAME: 'svc',
    DEPLOY_ENV: 'production',
    MY_API_TOKEN: 'tok-aaaa',
    MURL: 'http://h/m/x/sekret/q',
    AUTHZ: 'Bearer zzzz',
    TRACE_ID: 'trace-1',
    PROM_HOST: 'prom',
    PROM_PATH: 'pathpart',
    HOOK: 'http://hooks/x/y',
    RUN_SECRET: 'run-s3cret',
    RUN_PLAIN: 'plainvalue',
  };
  test('only credentials, URL paths and secret-named variables', () => {
    const r = validatePlan(plan(''), env);
    expect(r.errors).toEqual([]);
    expect(new Set(r.value!.secrets)).toEqual(
      new Set(['tok-aaaa', 'http://h/m/x/sekret/q', 'Bearer zzzz', 'pathpart', 'http://hooks/x/y', 'run-s3cret']),
    );
  });
  test('secretValues ignores unset variables', () => {
    expect(
      secretValues([
        {
          path: ['providers', 'flags', 'x', 'token'],
          name: 'T',
          value: undefined,
          expanded: '',
          start: 0,
          end: 0,
          shell: false,
        },
      ]),
    ).toEqual([]);
  });
});
