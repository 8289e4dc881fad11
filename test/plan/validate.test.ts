import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { MAX_DEPTH, MAX_PLAN_BYTES } from '../../src/plan/document.js';
import type { PlanIssue } from '../../src/plan/issues.js';
import type { PlanInput } from '../../src/plan/schema.js';
import { validatePlan } from '../helpers/validate-plan.js';
import { columnOf, lineOf, metricInput, phaseInput, planYaml } from '../helpers/builders.js';

const REFERENCE = readFileSync(new URL('../../plans/recommendations.yaml', import.meta.url), 'utf8');

type Over = Partial<PlanInput> & Record<string, unknown>;

/** Where an issue should be: the line holding `line` (searched from `after`), at the column where `column` starts. */
interface Where {
  line: string;
  column: string;
  after?: string;
}

function position(text: string, w: Where): { line: number; column: number } {
  const line = lineOf(text, w.line, w.after ? lineOf(text, w.after) : 1);
  return { line, column: columnOf(text, line, w.column) };
}

function only(errors: PlanIssue[], path: string): PlanIssue {
  const found = errors.filter((e) => e.path === path);
  expect(found.map((e) => e.path)).toEqual([path]);
  return found[0]!;
}

describe('the reference plan', () => {
  const r = validatePlan(REFERENCE, {});

  test('validates with no errors and no warnings', () => {
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.value).toBeDefined();
  });

  test('comes out typed, with the contract defaults applied', () => {
    const plan = r.value!.plan;
    expect(plan.name).toBe('recommendations-v2');
    expect(plan.phases.map((p) => [p.name, p.traffic])).toEqual([
      ['pre-deploy', 0],
      ['canary-5', 5],
      ['canary-25', 25],
      ['full', 100],
    ]);
    const gating = plan.metrics.filter((m) => m.slo).map((m) => [m.name, m.onBreach, m.onNoData]);
    expect(gating).toEqual([
      ['latency_p95', 'moderate', 'hold'],
      ['error_rate', 'moderate', 'hold'],
      ['cpu_utilization', 'light', 'hold'],
      ['memory_utilization', 'light', 'hold'],
      ['db_response_time', 'moderate', 'hold'],
    ]);
    expect(plan.advance).toEqual({
      sloWindow: '24h',
      noOpenIncidents: 'critical',
      approvals: { required: 1, approvers: ['tech-lead', 'head-of-engineering', 'product-manager'] },
    });
    expect(plan.contingency).toEqual({
      light: { action: 'hold', automatic: false },
      moderate: { action: 'reduce-traffic', automatic: false },
      severe: { action: 'rollback', automatic: false },
    });
    expect(plan.rollback.map((s) => s.estimate)).toEqual(['2m', '5m', '15m-30m', '5m']);
    expect(plan.phases[0]!.checklist).toHaveLength(7);
  });

  test('provider settings are parsed by each adapter', () => {
    expect(r.value!.providerSettings).toEqual({
      flags: { local: { type: 'file', path: '.rollout/flags.json' } },
      metrics: { local: { type: 'file', path: 'data/recommendations-metrics.csv' } },
      incidents: { local: { type: 'file', path: '.rollout/incidents.json' } },
      notifications: {},
    });
    expect(r.value!.secrets).toEqual([]);
  });
});

describe('the minimal plan builder', () => {
  test('is valid, with the defaults of the schema', () => {
    const r = validatePlan(planYaml(), {});
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.value!.plan).toMatchObject({
      strategy: 'canary',
      state: { backend: 'file', dir: '.rollout' },
      reports: { dir: 'reports', formats: ['md', 'json'] },
      advance: {},
      contingency: {},
      metrics: [],
      variables: {},
    });
  });
});

const twoMetricProviders = {
  flags: { local: { type: 'file', path: 'f.json' } },
  metrics: { a: { type: 'file', path: 'a.csv' }, b: { type: 'file', path: 'b.csv' } },
};
const slackEnv = { SLACK_URL: 'https://hooks.slack.example/T000/B000/XXXX' };
const withSlack = {
  flags: { local: { type: 'file', path: 'f.json' } },
  notifications: { slack: { type: 'slack', webhookUrl: '${SLACK_URL}' } },
};

describe('each rule reports its problem at the exact path and position', () => {
  test.each<{
    rule: string;
    over: Over;
    env?: Record<string, string>;
    path: string;
    message: RegExp;
    hint?: RegExp;
    at: Where;
  }>([
    {
      rule: 'namesAreUnique (phases)',
      over: { phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10), phaseInput('canary', 50)] },
      path: 'phases[2].name',
      message: /"canary" is already the name of phases\[1\]/,
      at: { line: 'name: canary', after: 'traffic: 10', column: 'canary' },
    },
    {
      rule: 'namesAreUnique (metrics)',
      over: { metrics: [metricInput({ name: 'latency' }), metricInput({ name: 'latency', query: 'lat2' })] },
      path: 'metrics[1].name',
      message: /"latency" is already the name of metrics\[0\]/,
      at: { line: 'name: latency', after: 'below: 500', column: 'latency' },
    },
    {
      rule: 'namesAreUnique (checklist ids)',
      over: {
        phases: [
          phaseInput('pre-deploy', 0, { checklist: ['Backups taken', 'Backups  taken!'] }),
          phaseInput('full', 100),
        ],
      },
      path: 'phases[0].checklist[1]',
      message: /checklist item id "backups-taken" is used twice/,
      at: { line: 'Backups  taken!', column: 'Backups' },
    },
    {
      rule: 'trafficNeverDecreases',
      over: { phases: [phaseInput('pre-deploy', 0), phaseInput('wide', 50), phaseInput('narrow', 10)] },
      path: 'phases[2].traffic',
      message: /traffic 10 is lower than the previous phase "wide" \(50\)/,
      hint: /rollout reduce/,
      at: { line: 'traffic: 10', column: '10' },
    },
    {
      rule: 'flagProviderExists (named, unknown)',
      over: { flag: { provider: 'remote', key: 'demo-flag' } },
      path: 'flag.provider',
      message: /no flag provider named "remote"/,
      hint: /known: local/,
      at: { line: 'provider: remote', column: 'remote' },
    },
    {
      rule: 'flagProviderExists (misspelt)',
      over: { flag: { provider: 'locl', key: 'demo-flag' } },
      path: 'flag.provider',
      message: /no flag provider named "locl"/,
      hint: /did you mean "local"\?/,
      at: { line: 'provider: locl', column: 'locl' },
    },
    {
      rule: 'flagProviderExists (several, none named)',
      over: { providers: { flags: { a: { type: 'file', path: 'a.json' }, b: { type: 'file', path: 'b.json' } } } },
      path: 'flag',
      message: /several flag providers are declared \(a, b\); name one with `provider`/,
      hint: /provider: a/,
      at: { line: 'key: demo-flag', column: 'key' },
    },
    {
      rule: 'flagProviderExists (none declared)',
      over: { providers: { metrics: { local: { type: 'file', path: 'm.csv' } } } },
      path: 'flag',
      message: /no flag provider is declared/,
      at: { line: 'key: demo-flag', column: 'key' },
    },
    {
      rule: 'metricProviderExists (named, unknown)',
      over: { metrics: [metricInput({ provider: 'prom' })] },
      path: 'metrics[0].provider',
      message: /no metrics provider named "prom"/,
      hint: /known: local/,
      at: { line: 'provider: prom', column: 'prom' },
    },
    {
      rule: 'metricProviderExists (several, none named)',
      over: { providers: twoMetricProviders, metrics: [metricInput()] },
      path: 'metrics[0]',
      message: /several metrics providers are declared \(a, b\)/,
      at: { line: 'name: latency', column: 'name' },
    },
    {
      rule: 'metricProviderExists (none declared)',
      over: { providers: { flags: { local: { type: 'file', path: 'f.json' } } }, metrics: [metricInput()] },
      path: 'metrics[0]',
      message: /no metrics provider is declared/,
      at: { line: 'name: latency', column: 'name' },
    },
    {
      rule: 'audienceExists',
      over: {
        audiences: { beta: { attribute: 'group', in: ['beta'] } },
        phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { audience: 'betta' })],
      },
      path: 'phases[1].audience',
      message: /no audience named "betta"/,
      hint: /did you mean "beta"\?; known: beta/,
      at: { line: 'audience: betta', column: 'betta' },
    },
    {
      rule: 'audienceExists (no audiences at all)',
      over: { phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { audience: 'beta' })] },
      path: 'phases[1].audience',
      message: /no audience named "beta"/,
      hint: /declare it first/,
      at: { line: 'audience: beta', column: 'beta' },
    },
    {
      rule: 'notifierExists (one name)',
      over: { providers: withSlack, stakeholders: [{ audience: 'Engineering', notify: 'slak' }] },
      env: slackEnv,
      path: 'stakeholders[0].notify',
      message: /no notification provider named "slak"/,
      hint: /did you mean "slack"\?/,
      at: { line: 'notify: slak', column: 'slak' },
    },
    {
      rule: 'notifierExists (a list)',
      over: { providers: withSlack, stakeholders: [{ audience: 'Engineering', notify: ['slack', 'pager'] }] },
      env: slackEnv,
      path: 'stakeholders[0].notify[1]',
      message: /no notification provider named "pager"/,
      at: { line: '- pager', column: 'pager' },
    },
    {
      rule: 'incidentProviderForIncidentGate (plan advance)',
      over: { advance: { noOpenIncidents: 'critical' } },
      path: 'advance.noOpenIncidents',
      message: /noOpenIncidents needs an incidents provider/,
      at: { line: 'noOpenIncidents: critical', column: 'critical' },
    },
    {
      rule: 'incidentProviderForIncidentGate (a phase override)',
      over: {
        phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { advance: { noOpenIncidents: 'high' } })],
      },
      path: 'phases[1].advance.noOpenIncidents',
      message: /noOpenIncidents needs an incidents provider/,
      at: { line: 'noOpenIncidents: high', column: 'high' },
    },
    {
      rule: 'approvalsAreSatisfiable (too few approvers)',
      over: { advance: { approvals: { required: 3, approvers: ['ana', 'bo'] } } },
      path: 'advance.approvals.required',
      message: /3 distinct approvals required but only 2 approvers listed/,
      at: { line: 'required: 3', column: '3' },
    },
    {
      rule: 'approvalsAreSatisfiable (duplicates do not count)',
      over: {
        phases: [
          phaseInput('pre-deploy', 0),
          phaseInput('canary', 10, { advance: { approvals: { required: 2, approvers: ['ana', 'ana'] } } }),
        ],
      },
      path: 'phases[1].advance.approvals.required',
      message: /2 distinct approvals required but only 1 approvers listed/,
      at: { line: 'required: 2', column: '2' },
    },
    {
      rule: 'approvalsAreSatisfiable (nobody may approve)',
      over: { advance: { approvals: { required: 1 } } },
      path: 'advance.approvals.approvers',
      message: /approvals are required but nobody may give them/,
      at: { line: 'approvals:', column: 'approvals' },
    },
    {
      rule: 'metricsAreWellFormed (no query)',
      over: { metrics: [{ name: 'latency', slo: { below: 5 } }] },
      path: 'metrics[0]',
      message: /metric "latency" has no query/,
      at: { line: 'name: latency', column: 'name' },
    },
    {
      rule: 'metricsAreWellFormed (ratio without denominator)',
      over: { metrics: [{ name: 'conv', kind: 'ratio', numerator: 'conversions' }] },
      path: 'metrics[0]',
      message: /ratio metric "conv" needs numerator and denominator/,
      at: { line: 'name: conv', column: 'name' },
    },
    {
      rule: 'metricsAreWellFormed (empty SLO band)',
      over: { metrics: [metricInput({ slo: { above: 10, below: 5 } })] },
      path: 'metrics[0].slo',
      message: /no value can be above 10 and below 5/,
      at: { line: 'above: 10', column: 'above' },
    },
    {
      rule: 'metricsAreWellFormed (severe without slo)',
      over: { metrics: [{ name: 'latency', query: 'latency', severe: { below: 900 } }] },
      path: 'metrics[0].severe',
      message: /`severe` needs an `slo`/,
      at: { line: 'below: 900', column: 'below' },
    },
    {
      rule: 'metricsAreWellFormed (severe.below inside the SLO)',
      over: { metrics: [metricInput({ slo: { below: 500 }, severe: { below: 400 } })] },
      path: 'metrics[0].severe.below',
      message: /severe.below \(400\) is inside the SLO \(below 500\)/,
      at: { line: 'below: 400', column: '400' },
    },
    {
      rule: 'metricsAreWellFormed (severe.above inside the SLO)',
      over: { metrics: [metricInput({ name: 'rps', query: 'rps', slo: { above: 100 }, severe: { above: 150 } })] },
      path: 'metrics[0].severe.above',
      message: /severe.above \(150\) is inside the SLO \(above 100\)/,
      at: { line: 'above: 150', column: '150' },
    },
    {
      rule: 'windowsAreSensible (plan)',
      over: { advance: { sloWindow: '0m' } },
      path: 'advance.sloWindow',
      message: /sloWindow must be longer than zero/,
      at: { line: 'sloWindow: 0m', column: '0m' },
    },
    {
      rule: 'windowsAreSensible (phase)',
      over: { phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { advance: { sloWindow: '0h' } })] },
      path: 'phases[1].advance.sloWindow',
      message: /sloWindow must be longer than zero/,
      at: { line: 'sloWindow: 0h', column: '0h' },
    },
    {
      rule: 'file flag provider with a remote segment audience',
      over: {
        audiences: { beta: { segment: 'beta-users' } },
        phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { audience: 'beta' })],
      },
      path: 'audiences.beta',
      message:
        /audience "beta" names a remote segment, which the file flag provider cannot evaluate \(used by phases\[1\]\)/,
      hint: /attribute/,
      at: { line: 'segment: beta-users', column: 'segment' },
    },
  ])('$rule', ({ over, env, path, message, hint, at }) => {
    const text = planYaml(over);
    const r = validatePlan(text, env ?? {});
    expect(r.value).toBeUndefined();
    const issue = only(r.errors, path);
    expect(issue.severity).toBe('error');
    expect(issue.message).toMatch(message);
    if (hint) expect(issue.hint).toMatch(hint);
    expect({ line: issue.line, column: issue.column }).toEqual(position(text, at));
    // The rule's problem is the only one: nothing else in the plan is wrong.
    expect(r.errors).toHaveLength(1);
  });

  test('a flag provider may be left out when exactly one is declared', () => {
    expect(validatePlan(planYaml({ flag: { key: 'demo-flag' } }), {}).errors).toEqual([]);
  });

  test('a metrics provider may be left out when exactly one is declared, and named when several are', () => {
    expect(validatePlan(planYaml({ metrics: [metricInput()] }), {}).errors).toEqual([]);
    expect(
      validatePlan(planYaml({ providers: twoMetricProviders, metrics: [metricInput({ provider: 'b' })] }), {}).errors,
    ).toEqual([]);
  });

  test('a segment audience is fine with a remote flag provider', () => {
    const r = validatePlan(
      planYaml({
        providers: { flags: { ld: { type: 'launchdarkly', project: 'p', environment: 'prod', token: '${LD_TOKEN}' } } },
        audiences: { beta: { segment: 'beta-users' } },
        phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { audience: 'beta' })],
      }),
      { LD_TOKEN: 'ld-token-1234' },
    );
    expect(r.errors).toEqual([]);
  });

  test('an attribute audience is fine with the file flag provider', () => {
    const r = validatePlan(
      planYaml({
        audiences: { beta: { attribute: 'group', in: ['beta', 7, true] } },
        phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { audience: 'beta' })],
      }),
      {},
    );
    expect(r.errors).toEqual([]);
    expect(r.value!.plan.audiences['beta']).toEqual({ attribute: 'group', in: ['beta', '7', 'true'] });
  });
});

describe('schema problems', () => {
  test.each<{ what: string; over: Over; path: string; message: RegExp; at: Where }>([
    {
      what: 'traffic over 100',
      over: { phases: [phaseInput('pre-deploy', 0), phaseInput('full', 150)] },
      path: 'phases[1].traffic',
      message: /traffic is a percentage from 0 to 100/,
      at: { line: 'traffic: 150', column: '150' },
    },
    {
      what: 'a name that is not a slug',
      over: { name: 'My Plan' },
      path: 'name',
      message: /must be a slug/,
      at: { line: 'name: My Plan', column: 'My Plan' },
    },
    {
      what: 'a duration that is not one',
      over: { phases: [phaseInput('pre-deploy', 0, { minDuration: '2 days' })] },
      path: 'phases[0].minDuration',
      message: /must be a duration such as 30m, 48h or 7d/,
      at: { line: 'minDuration: 2 days', column: '2 days' },
    },
    {
      what: 'an estimate that is not one',
      over: { rollback: [{ component: 'svc', procedure: 'flag off', action: 'flag', estimate: '30m-5m' }] },
      path: 'rollback[0].estimate',
      message: /a range such as 15m-30m/,
      at: { line: 'estimate: 30m-5m', column: '30m-5m' },
    },
    {
      what: 'a rollback step with two ways',
      over: { rollback: [{ component: 'svc', procedure: 'flag off', action: 'flag', run: 'echo' }] },
      path: 'rollback[0]',
      message: /exactly one of `action: flag`, `run: COMMAND` or `manual: true`/,
      at: { line: 'component: svc', column: 'component' },
    },
    {
      what: 'onNoData: pass (never allowed)',
      over: { metrics: [metricInput({ onNoData: 'pass' as never })] },
      path: 'metrics[0].onNoData',
      message: /"pass" is not allowed here/,
      at: { line: 'onNoData: pass', column: 'pass' },
    },
    {
      what: 'a missing required key',
      over: { flag: undefined },
      path: 'flag',
      message: /is required/,
      at: { line: 'version: 1', column: 'version' },
    },
    {
      what: 'no phases',
      over: { phases: [] },
      path: 'phases',
      message: /a plan needs at least one phase/,
      at: { line: 'phases: []', column: '[]' },
    },
    {
      what: 'an empty bound',
      over: { metrics: [metricInput({ slo: {} })] },
      path: 'metrics[0].slo',
      message: /give `below`, `above` or both/,
      at: { line: 'slo: {}', column: '{}' },
    },
    {
      what: 'a document kind that does not exist',
      over: { phases: [phaseInput('pre-deploy', 0, { documents: ['postmortem' as never] })] },
      path: 'phases[0].documents[0]',
      message: /"postmortem" is not allowed here/,
      at: { line: '- postmortem', column: 'postmortem' },
    },
  ])('$what', ({ over, path, message, at }) => {
    const text = planYaml(over);
    const r = validatePlan(text, {});
    const issue = only(r.errors, path);
    expect(issue.message).toMatch(message);
    expect({ line: issue.line, column: issue.column }).toEqual(position(text, at));
  });

  test('an unknown value lists the allowed ones', () => {
    const r = validatePlan(planYaml({ contingency: { severe: { action: 'rolback' as never } } }), {});
    const issue = only(r.errors, 'contingency.severe.action');
    expect(issue.hint).toBe('did you mean "rollback"?; use one of: hold, reduce-traffic, rollback, adjust-flags');
  });
});

describe('several problems at once', () => {
  // Hand-written so every position is visible: schema errors (lines 1, 11, 17), rule errors (lines 3, 13, 15).
  const text = [
    'version: 2', //                                1  schema: version
    'name: demo', //                                2
    'flag: { provider: remote, key: demo-flag }', // 3  rule: flagProviderExists
    'providers:', //                                4
    '  flags:', //                                  5
    '    local: { type: file, path: f.json }', //   6
    '  metrics:', //                                7
    '    local: { type: file, path: m.csv }', //    8
    'phases:', //                                   9
    '  - name: pre-deploy', //                      10
    '    trafic: 0', //                             11 schema: unknown key (and traffic missing)
    '  - name: canary', //                          12
    '    traffic: 50', //                           13
    '  - name: wide', //                            14
    '    traffic: 20', //                           15 rule: trafficNeverDecreases
    'advance:', //                                  16
    '  sloWindw: 24h', //                           17 schema: unknown key
    '',
  ].join('\n');

  test('the schema and the rules report in one run, sorted by position', () => {
    const r = validatePlan(text, {});
    expect(r.value).toBeUndefined();
    expect(r.errors.map((e) => [e.line, e.column, e.path])).toEqual([
      [1, 10, 'version'],
      [3, 19, 'flag.provider'],
      [10, 5, 'phases[0].traffic'],
      [11, 5, 'phases[0].trafic'],
      [15, 14, 'phases[2].traffic'],
      [17, 3, 'advance.sloWindw'],
    ]);
  });

  test('misspelt keys get a did-you-mean', () => {
    const r = validatePlan(text, {});
    expect(r.errors.find((e) => e.path === 'phases[0].trafic')).toMatchObject({
      message: 'unknown key "trafic"',
      hint: 'did you mean "traffic"?',
    });
    expect(r.errors.find((e) => e.path === 'advance.sloWindw')).toMatchObject({
      message: 'unknown key "sloWindw"',
      hint: 'did you mean "sloWindow"?',
    });
  });

  test.each([
    ['minDuraton', 'minDuration'],
    ['checklst', 'checklist'],
    ['stakeholder', 'stakeholders'],
    ['onbreach', 'onBreach'],
  ])('%s → did you mean "%s"?', (typo, key) => {
    const text2 = planYaml({ phases: [phaseInput('pre-deploy', 0)], metrics: [metricInput()], [typo]: 'x' });
    const issue = only(validatePlan(text2, {}).errors, typo);
    expect(issue.hint).toBe(`did you mean "${key}"?`);
  });

  test('a key nothing like a known one says where to look', () => {
    const issue = only(validatePlan(planYaml({ zzzzzz: 1 }), {}).errors, 'zzzzzz');
    expect(issue.hint).toMatch(/rollout schema/);
  });
});

describe('${VAR} placeholders', () => {
  const prom = (url: string) =>
    planYaml({
      providers: { flags: { local: { type: 'file', path: 'f.json' } }, metrics: { prom: { type: 'prometheus', url } } },
    });

  test('${VAR} is replaced by the environment and remembered as a source; a URL naming only a host is no secret', () => {
    const r = validatePlan(prom('${PROM_URL}'), { PROM_URL: 'http://prom.internal:9090' });
    expect(r.errors).toEqual([]);
    expect(r.value!.plan.providers.metrics['prom']).toEqual({ type: 'prometheus', url: 'http://prom.internal:9090' });
    expect(r.value!.providerSettings.metrics['prom']).toMatchObject({ url: 'http://prom.internal:9090' });
    expect(r.value!.secrets).toEqual([]);
    expect(r.value!.sources.get('providers.metrics.prom.url')).toBe('PROM_URL');
  });

  test('a URL from the environment with a path is a secret (a token may sit in the path)', () => {
    const r = validatePlan(prom('${PROM_URL}'), { PROM_URL: 'http://prom.internal:9090/t0k3n-in-path' });
    expect(r.value!.secrets).toEqual(['http://prom.internal:9090/t0k3n-in-path']);
  });

  test('placeholders inside a longer string and anywhere in the plan', () => {
    const r = validatePlan(planYaml({ variables: { env: 'prod-${REGION}' } }), { REGION: 'eu1' });
    expect(r.value!.plan.variables).toEqual({ env: 'prod-eu1' });
  });

  test.each([
    [{}, 'http://localhost:9090'],
    [{ PROM_URL: '' }, 'http://localhost:9090'],
    [{ PROM_URL: 'http://set:1' }, 'http://set:1'],
  ])('${VAR:-default} with env %j gives %s', (env, url) => {
    const r = validatePlan(prom('${PROM_URL:-http://localhost:9090}'), env);
    expect(r.errors).toEqual([]);
    expect(r.value!.plan.providers.metrics['prom']).toMatchObject({ url });
    // A default written in the plan is not a secret from the environment; nor is a host.
    expect(r.value!.secrets).toEqual([]);
  });

  test.each([[{}], [{ PROM_URL: '' }]])('a missing variable (env %j) is an error naming it, at the setting', (env) => {
    const text = prom('${PROM_URL}');
    const r = validatePlan(text, env);
    const issue = only(r.errors, 'providers.metrics.prom.url');
    expect(issue.message).toBe('the environment variable PROM_URL is not set');
    expect(issue.hint).toMatch(/export PROM_URL=/);
    expect({ line: issue.line, column: issue.column }).toEqual(
      position(text, { line: 'url: ${PROM_URL}', column: '${PROM_URL}' }),
    );
    // Only the missing variable is reported, not an "expected a URL" on top of it.
    expect(r.errors).toHaveLength(1);
  });
});

describe('literal secrets', () => {
  const unleash = (token: string) => ({
    flags: { u: { type: 'unleash', url: 'https://unleash.example', token, environment: 'production' } },
  });

  test('a literal token is a warning (the plan still validates), located at the value', () => {
    const text = planYaml({ providers: unleash('s3cr3t-admin-token') });
    const r = validatePlan(text, {});
    expect(r.errors).toEqual([]);
    expect(r.value).toBeDefined();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({
      severity: 'warning',
      path: 'providers.flags.u.token',
      message: '"token" is written in the plan as a literal',
      hint: 'secrets come from the environment: token: "${U_TOKEN}"',
    });
    expect({ line: r.warnings[0]!.line, column: r.warnings[0]!.column }).toEqual(
      position(text, { line: 'token: s3cr3t', column: 's3cr3t' }),
    );
  });

  test('a token from the environment is no warning', () => {
    const r = validatePlan(planYaml({ providers: unleash('${UNLEASH_TOKEN}') }), { UNLEASH_TOKEN: 'tok-123456' });
    expect(r.warnings).toEqual([]);
    expect(r.value!.secrets).toEqual(['tok-123456']);
  });

  test('a literal secret in nested settings (headers) is a warning too', () => {
    const providers = {
      flags: { local: { type: 'file', path: 'f.json' } },
      metrics: {
        prom: {
          type: 'prometheus',
          url: 'http://prom:9090',
          headers: { Authorization: 'Bearer abc123', 'X-Scope-OrgID': 'team-a' },
        },
      },
    };
    const r = validatePlan(planYaml({ providers }), {});
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toEqual(['providers.metrics.prom.headers.Authorization']);
  });

  test.each([
    [
      'datadog',
      { type: 'datadog', apiKey: 'literal-api-key', appKey: '${DD_APP_KEY}' },
      ['providers.metrics.m.apiKey'],
    ],
    [
      'slack',
      { type: 'slack', webhookUrl: 'https://hooks.slack.example/T/B/x' },
      ['providers.notifications.m.webhookUrl'],
    ],
    [
      'webhook',
      { type: 'webhook', url: 'https://hooks.example', secret: 'hmac-secret' },
      ['providers.notifications.m.secret'],
    ],
  ])('%s', (type, spec, paths) => {
    const role = type === 'datadog' ? 'metrics' : 'notifications';
    const providers = {
      flags: { local: { type: 'file', path: 'f.json' } },
      metrics: { local: { type: 'file', path: 'm.csv' } },
      [role]: { m: spec },
    };
    const r = validatePlan(
      planYaml({ providers, ...(role === 'metrics' ? { metrics: [metricInput({ provider: 'm' })] } : {}) }),
      { DD_APP_KEY: 'app-key-0000' },
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toEqual(paths);
  });
});

describe('provider types and settings', () => {
  test.each([
    ['flags', 'launchdarkley', 'did you mean "launchdarkly"?; known: file, launchdarkly, unleash'],
    ['metrics', 'promethus', 'did you mean "prometheus"?; known: file, prometheus, datadog, http, command'],
    ['incidents', 'opsgenie', 'known: file, alertmanager, pagerduty'],
    ['notifications', 'slak', 'did you mean "slack"?; known: slack, webhook'],
  ])('an unknown %s type "%s" lists the known ones', (role, type, hint) => {
    const providers = {
      flags: { local: { type: 'file', path: 'f.json' } },
      metrics: { local: { type: 'file', path: 'm.csv' } },
      [role]: { x: { type } },
    };
    if (role === 'flags') (providers.flags as Record<string, unknown>) = { x: { type } };
    if (role === 'metrics') (providers.metrics as Record<string, unknown>) = { x: { type } };
    const text = planYaml({ providers });
    const issue = only(validatePlan(text, {}).errors, `providers.${role}.x.type`);
    expect(issue.message).toBe(`unknown ${role} provider type "${type}"`);
    expect(issue.hint).toBe(hint);
    expect({ line: issue.line, column: issue.column }).toEqual(position(text, { line: `type: ${type}`, column: type }));
  });

  test.each<{
    what: string;
    spec: { type: string } & Record<string, unknown>;
    path: string;
    message: RegExp;
    at: Where;
  }>([
    {
      what: 'prometheus url not a URL',
      spec: { type: 'prometheus', url: 'prom:9090' },
      path: 'providers.metrics.m.url',
      message: /expected an http\(s\) URL/,
      at: { line: 'url: prom:9090', column: 'prom:9090' },
    },
    {
      what: 'prometheus step not a step',
      spec: { type: 'prometheus', url: 'http://p', step: 'often' },
      path: 'providers.metrics.m.step',
      message: /expected a step such as 60s/,
      at: { line: 'step: often', column: 'often' },
    },
    {
      what: 'http without jsonPath',
      spec: { type: 'http', url: 'http://p' },
      path: 'providers.metrics.m.jsonPath',
      message: /is required/,
      at: { line: 'm:', after: 'metrics:', column: 'm' },
    },
    {
      what: 'an unknown setting',
      spec: { type: 'prometheus', url: 'http://p', tokn: '${T}' },
      path: 'providers.metrics.m.tokn',
      message: /unknown key "tokn"/,
      at: { line: 'tokn:', column: 'tokn' },
    },
    {
      what: 'datadog retries out of range',
      spec: { type: 'datadog', apiKey: '${A}', appKey: '${A}', retries: 99 },
      path: 'providers.metrics.m.retries',
      message: /Too big: expected number to be <=10/,
      at: { line: 'retries: 99', column: '99' },
    },
  ])('$what is located', ({ spec, path, message, at }) => {
    const text = planYaml({ providers: { flags: { local: { type: 'file', path: 'f.json' } }, metrics: { m: spec } } });
    const issue = only(validatePlan(text, { T: 'token-value', A: 'key-value' }).errors, path);
    expect(issue.message).toMatch(message);
    expect({ line: issue.line, column: issue.column }).toEqual(position(text, at));
  });
});

describe('texts that are not plans', () => {
  test.each<[string, string, RegExp]>([
    ['empty', '', /the plan is empty/],
    ['only whitespace', '  \n\t\n', /the plan is empty/],
    ['only comments', '# a plan\n  # to be written\n', /the plan is empty/],
    ['binary (NUL)', 'version: 1\u0000\u0001\u0002', /binary or not UTF-8/],
    ['not UTF-8 (replacement char)', 'name: caf\uFFFD', /binary or not UTF-8/],
    ['huge', `name: "${'x'.repeat(MAX_PLAN_BYTES)}"`, new RegExp(`a plan is at most ${MAX_PLAN_BYTES} bytes`)],
    [
      'deeply nested',
      `a: ${'['.repeat(MAX_DEPTH + 5)}${']'.repeat(MAX_DEPTH + 5)}\n`,
      new RegExp(`at most ${MAX_DEPTH} are allowed`),
    ],
    ['a scalar', '42\n', /must be a mapping/],
    ['a list', '- version: 1\n', /must be a mapping/],
  ])('%s: one error at 1:1', (_what, text, message) => {
    const r = validatePlan(text, {});
    expect(r.value).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ severity: 'error', path: '', line: 1, column: 1 });
    expect(r.errors[0]!.message).toMatch(message);
  });

  test('nesting at the limit is allowed (and then judged by the schema)', () => {
    const r = validatePlan(`a: ${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}\n`, {});
    expect(r.errors.some((e) => /levels deep/.test(e.message))).toBe(false);
  });

  test('a YAML syntax error is located', () => {
    const r = validatePlan('version: 1\nname: demo\nphases:\n  - name: "unterminated\n    traffic: 0\n', {});
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.errors[0]!.message).toMatch(/^YAML syntax: /);
    expect(r.errors[0]!.hint).toBe('check indentation, quotes and colons');
    expect(r.errors[0]!.line).toBeGreaterThanOrEqual(4);
  });

  test('a bad indentation is located on its line', () => {
    const r = validatePlan('version: 1\nphases:\n  - name: a\n   traffic: 0\n', {});
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      path: '',
      message: 'YAML syntax: Sequence item without - indicator',
      line: 4,
      column: 1,
    });
  });

  test('a duplicate key is a syntax error at the duplicate', () => {
    const r = validatePlan('version: 1\nname: demo\nname: other\n', {});
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 3, column: 1, hint: 'each key may appear once' });
  });
});
