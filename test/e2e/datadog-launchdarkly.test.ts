/**
 * End to end on the SaaS providers: the reference rollout shape (plans/datadog-launchdarkly.yaml) with
 * metrics from Datadog, traffic through LaunchDarkly segment rules, incidents from PagerDuty and news to
 * Slack, driven through the BUILT binary against the loopback fakes (the real APIs are out of reach
 * here). The plan copy points each provider's `url:` at its fake; the credentials and the Slack webhook
 * come from the environment, and none of them may show up in any output or any file the tool writes.
 *
 * Timeline: canary-5 is entered at T0; its 48h soak ends at T0+48h. Datadog holds canary and control
 * series for the three metrics every 5 minutes from T0-30h to T0+80h, keyed by the plan's queries as
 * the tool renders them ({{service}} = recommendations, {{cohort}} = canary | control).
 *
 * `npm run build` must have run: this exercises dist/, not src/.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LdFlag } from '../../src/providers/flags/launchdarkly/api.js';
import { explain, REPO, rollout, type CliResult } from '../helpers/cli.js';
import { startDatadogFake, type DatadogFake, type FakeSeries } from '../helpers/fakes/datadog.js';
import { booleanFlag, startLaunchDarklyFake, type LaunchDarklyFake } from '../helpers/fakes/launchdarkly.js';
import { startPagerDutyFake, type FakeIncident, type PagerDutyFake } from '../helpers/fakes/pagerduty.js';
import { startSlackFake, type SlackFake } from '../helpers/fakes/slack.js';
import { expectNoSecretIn, filesUnder } from '../helpers/files.js';

const PLAN = 'plans/datadog-launchdarkly.yaml';
const PLAN_NAME = 'recommendations-dd-ld';
const FLAG = 'recommendations-v2';
const ON_ID = `${FLAG}-true-id`;
const OFF_ID = `${FLAG}-false-id`;
const SERVICE = 'recommendations';
const PD_SERVICE = 'P1RECS0';

const H = 3_600_000;
const STEP = 5 * 60_000;
const T0 = Date.parse('2026-06-18T09:00:00Z');
const at = (hours: number): string => new Date(T0 + hours * H).toISOString();
const SERIES_FROM = T0 - 30 * H;
const SERIES_TO = T0 + 80 * H;

const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;
const LD_TOKEN = secret('api-ld');
const DD_API_KEY = secret('ddapi');
const DD_APP_KEY = secret('ddapp');
const PD_TOKEN = secret('pdtok');
const SLACK_HOOK_SECRET = randomBytes(12).toString('hex');
const SLACK_HOOK_PATH = `/services/T0E2ETEST/B0E2ETEST/${SLACK_HOOK_SECRET}`;

// LaunchDarkly's default for a new boolean flag: off, and when turned on its fallthrough serves `true`;
// so entering a segment-only phase must also turn the fallthrough to `false`.
let ld: LaunchDarklyFake;
let dd: DatadogFake;
let pd: PagerDutyFake;
let slack: SlackFake;
let env: Record<string, string>;

/** every run's output, for the final secrets check */
const runs: CliResult[] = [];
const dirs: string[] = [];

/* ------------------------------------------------------------------ sandboxes */

class Box {
  constructor(readonly dir: string) {}
  async run(
    args: string[],
    now: string,
    extraEnv: Record<string, string | undefined> = {},
    timeoutMs = 60_000,
  ): Promise<CliResult> {
    const r = await rollout([args[0]!, PLAN, ...args.slice(1)], {
      cwd: this.dir,
      now,
      env: { ...env, ...extraEnv },
      timeoutMs,
    });
    runs.push(r);
    return r;
  }
  async must(args: string[], now: string, code = 0): Promise<CliResult> {
    const r = await this.run(args, now);
    if (r.code !== code)
      throw new Error(`\`rollout ${args.join(' ')}\` at ${now}: expected exit ${code}, got ${explain(r)}`);
    return r;
  }
  get stateFile(): string {
    return path.join(this.dir, 'plans', '.rollout-dd', `${PLAN_NAME}.state.json`);
  }
  state(): any {
    return JSON.parse(readFileSync(this.stateFile, 'utf8'));
  }
  stateText(): string {
    return readFileSync(this.stateFile, 'utf8');
  }
  clone(): Box {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-e2e-ddld-'));
    dirs.push(dir);
    cpSync(this.dir, dir, { recursive: true });
    return new Box(dir);
  }
}

function createBox(): Box {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-e2e-ddld-'));
  dirs.push(dir);
  cpSync(path.join(REPO, 'plans'), path.join(dir, 'plans'), { recursive: true });
  for (const d of ['.rollout-dd', 'reports', '.rollout', '.rollout-prom'])
    rmSync(path.join(dir, 'plans', d), { recursive: true, force: true });
  const file = path.join(dir, PLAN);
  const before = readFileSync(file, 'utf8');
  const edits: Array<[string, string]> = [
    ['token: "${LD_API_TOKEN}" }', `token: "\${LD_API_TOKEN}", url: "${ld.url}" }`],
    ['site: datadoghq.eu,', `site: datadoghq.eu, url: "${dd.url}",`],
    ['serviceIds: [P1RECS0] }', `serviceIds: [P1RECS0], url: "${pd.url}" }`],
  ];
  let next = before;
  for (const [from, to] of edits) {
    if (!next.includes(from)) throw new Error(`plan edit: "${from}" not found in ${PLAN}`);
    next = next.replace(from, to);
  }
  // the plan's own severe contingency is what makes the automatic rollback below happen
  expect(next).toMatch(/severe: \{ action: rollback, automatic: true \}/);
  writeFileSync(file, next);
  return new Box(dir);
}

/* ------------------------------------------------------------------ Datadog data */

/** The plan's queries, rendered the way the tool renders them. */
const QUERY: Record<string, string> = {
  latency_p95: 'p95:trace.http.request.duration{service:{{service}},cohort:{{cohort}}}',
  error_rate:
    '100 * sum:trace.http.request.errors{service:{{service}},cohort:{{cohort}}}.as_rate() / sum:trace.http.request.hits{service:{{service}},cohort:{{cohort}}}.as_rate()',
  cpu_utilization: 'avg:kubernetes.cpu.usage.pct{service:{{service}},cohort:{{cohort}}}',
};
const render = (metric: string, cohort: string) =>
  QUERY[metric]!.replaceAll('{{service}}', SERVICE).replaceAll('{{cohort}}', cohort);

type Overrides = Partial<Record<string, (t: number) => number | null>>;

/** Healthy numbers well inside every SLO, a little different per cohort and over time. */
const HEALTHY: Record<string, (t: number, cohort: string) => number> = {
  latency_p95: (t, c) => (c === 'canary' ? 0.24 : 0.22) + 0.04 * Math.sin(t / (3 * H)),
  error_rate: (t, c) => (c === 'canary' ? 0.12 : 0.1) + 0.05 * Math.abs(Math.sin(t / (5 * H))),
  cpu_utilization: (t, c) => (c === 'canary' ? 46 : 42) + 8 * Math.sin(t / (7 * H)),
};

/**
 * (Re)seeds every metric for both cohorts. `canary` overrides a metric's canary value at some times
 * (return undefined-free numbers; null is a Datadog gap). Each rendered query answers its cohort's
 * series, tagged as Datadog tags a grouped series.
 */
function seed(canary: Overrides = {}): void {
  for (const metric of Object.keys(QUERY)) {
    for (const cohort of ['canary', 'control']) {
      const points: FakeSeries['points'] = [];
      for (let t = SERIES_FROM; t <= SERIES_TO; t += STEP) {
        const o = cohort === 'canary' ? canary[metric] : undefined;
        const v = o ? o(t) : HEALTHY[metric]!(t, cohort);
        points.push([t, v === null ? null : Number(v.toFixed(4))]);
      }
      dd.setSeries(render(metric, cohort), [{ tags: [`service:${SERVICE}`, `cohort:${cohort}`], points }]);
    }
  }
}

/** Overrides one value at exactly `t` (other times keep the healthy curve). */
const spike = (metric: string, atIso: string, value: number) => (t: number) =>
  t === Date.parse(atIso) ? value : HEALTHY[metric]!(t, 'canary');

/* ------------------------------------------------------------------ helpers */

const criterion = (doc: any, name: string) => {
  const c = doc.criteria.find((x: { name: string }) => x.name === name);
  if (!c)
    throw new Error(`no criterion ${name} in ${JSON.stringify(doc.criteria.map((x: { name: string }) => x.name))}`);
  return c;
};
const ldEnv = () => ld.env(FLAG);
const slackTexts = (from = 0) => slack.payloads.slice(from).map((p) => p.text ?? '');
/** the whole message: fallback text and blocks */
const slackMessages = (from = 0) => slack.payloads.slice(from).map((p) => JSON.stringify(p));

/** The flag as canary-5 left it, so each scenario starts from the same LaunchDarkly state. */
let canary5Flag: LdFlag;
/** the sandbox right after pre-deploy → canary-5 (never run in directly: clone it) */
let canary5: Box;

interface Canary5Stage {
  box: Box;
  advance: CliResult;
  /** where this stage's requests start in the fakes' records */
  ddFrom: number;
  slackFrom: number;
}
let stage: Promise<Canary5Stage> | undefined;

/** At T0: checklist --yes, approve, advance (built once, by the first test that needs it). */
function stageCanary5(): Promise<Canary5Stage> {
  stage ??= (async () => {
    const box = createBox();
    await box.must(['checklist', '--yes'], at(0));
    await box.must(['approve', '--by', 'tech-lead'], at(0));
    const ddFrom = dd.requests.length;
    const slackFrom = slack.payloads.length;
    const advance = await box.run(['advance', '--json'], at(0));
    if (advance.code !== 0) throw new Error(explain(advance));
    canary5 = box;
    canary5Flag = ld.flag(FLAG);
    return { box, advance, ddFrom, slackFrom };
  })();
  return stage;
}

async function resetFakes(): Promise<void> {
  await stageCanary5();
  ld.setFlag(canary5Flag);
  ld.faults.clear();
  dd.faults.clear();
  pd.faults.clear();
  pd.setIncidents([]);
  seed();
}

/** A clone of canary-5 at T0+48h with the soak over and the exit approval recorded: `advance` would pass. */
async function readyToLeaveCanary5(): Promise<Box> {
  await resetFakes();
  const box = canary5.clone();
  await box.must(['approve', '--by', 'head-of-engineering'], at(48));
  return box;
}

beforeAll(async () => {
  ld = await startLaunchDarklyFake({
    token: LD_TOKEN,
    project: 'recommendations',
    flags: [booleanFlag({ key: FLAG, fallthrough: { variation: 0 } })],
  });
  dd = await startDatadogFake({ apiKey: DD_API_KEY, appKey: DD_APP_KEY });
  pd = await startPagerDutyFake({ token: PD_TOKEN });
  slack = await startSlackFake({ hookPath: SLACK_HOOK_PATH });
  env = {
    LD_API_TOKEN: LD_TOKEN,
    DD_API_KEY,
    DD_APP_KEY,
    PAGERDUTY_TOKEN: PD_TOKEN,
    SLACK_WEBHOOK_URL: slack.webhookUrl,
    ROLLOUT_NO_CACHE: '1',
  };
  seed();
});

afterAll(async () => {
  await Promise.all([ld?.close(), dd?.close(), pd?.close(), slack?.close()]);
  if (!process.env['ROLLOUT_KEEP_TMP']) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('reference rollout on Datadog + LaunchDarkly + PagerDuty + Slack (loopback fakes)', () => {
  it('validates, and the doctor reaches every provider with covered windows', async () => {
    const box = createBox();
    const v = await box.run(['validate'], at(0));
    expect(v.code).toBe(0);
    // no literal secret in the plan: no warning about one
    expect(v.stderr).not.toMatch(/literal secret/i);
    const doctor = await box.run(['doctor', '--json'], at(0));
    if (doctor.code !== 0) throw new Error(explain(doctor));
    const findings = doctor.json().findings as Array<{ role: string; ok: boolean; detail: string }>;
    expect(findings.every((f) => f.ok)).toBe(true);
    expect(findings.filter((f) => f.role === 'metrics')).toHaveLength(3);
    // the doctor sent no Slack message
    expect(slack.payloads).toHaveLength(0);
  });

  it('pre-deploy → canary-5: a LaunchDarkly rule for segment technical-users at 5000/95000 by variation _id, fallthrough off, Slack told', async () => {
    const { box, advance: r, ddFrom: ddBefore, slackFrom } = await stageCanary5();
    const d = r.json();
    expect(d).toMatchObject({
      decision: 'advanced',
      from: 'pre-deploy',
      to: 'canary-5',
      traffic: 5,
      state: 'in-progress',
    });

    // the baseline (traffic 0) was judged on control data from Datadog, with numbers
    const p95 = criterion(d, 'latency_p95');
    expect(p95).toMatchObject({ verdict: 'pass', cohort: 'control', unit: 's' });
    expect(p95.points).toBe(24 * 12 + 1);
    expect(p95.worst.value).toBeGreaterThan(0.17);
    expect(p95.worst.value).toBeLessThan(0.27);
    for (const m of ['error_rate', 'cpu_utilization'])
      expect(criterion(d, m)).toMatchObject({ verdict: 'pass', cohort: 'control' });
    expect(criterion(d, 'incidents').verdict).toBe('pass');

    // Datadog was asked the rendered control queries, v2, with the keys in headers and ms bounds
    const asked = dd.requests.slice(ddBefore);
    expect(asked.length).toBeGreaterThanOrEqual(3);
    const queries = asked.map((q) => JSON.parse(q.body).data.attributes.queries[0].query as string).sort();
    expect(queries).toEqual(
      Object.keys(QUERY)
        .map((m) => render(m, 'control'))
        .sort(),
    );
    for (const q of asked) {
      expect(q).toMatchObject({ method: 'POST', path: '/api/v2/query/timeseries' });
      const a = JSON.parse(q.body).data.attributes;
      expect(a.from).toBe(T0 - 24 * H);
      expect(a.to).toBeGreaterThan(T0);
    }

    // LaunchDarkly: one semantic patch, weights keyed by variation _id, in thousandths
    expect(ld.applied).toHaveLength(1);
    const patch = ld.applied[0]!;
    expect(patch.comment).toContain(PLAN_NAME);
    const add = patch.instructions.find((i) => i.kind === 'addRule')!;
    expect(add).toMatchObject({
      clauses: [{ attribute: 'segmentMatch', op: 'segmentMatch', values: ['technical-users'], negate: false }],
      rolloutWeights: { [ON_ID]: 5000, [OFF_ID]: 95000 },
    });
    expect(patch.instructions).toContainEqual({ kind: 'turnFlagOn' });
    expect(patch.instructions).toContainEqual({ kind: 'updateFallthroughVariationOrRollout', variationId: OFF_ID });
    const patchReq = ld.requests.find((q) => q.method === 'PATCH')!;
    expect(patchReq.headers['content-type']).toMatch(/domain-model=launchdarkly\.semanticpatch/);
    expect(patchReq.headers.authorization).toBe(LD_TOKEN);

    // … and the flag as LaunchDarkly now stores it
    const e = ldEnv();
    expect(e.on).toBe(true);
    expect(e.fallthrough).toEqual({ variation: 1 });
    expect(e.rules).toHaveLength(1);
    const rule = e.rules[0]!;
    expect(rule.clauses).toEqual([
      expect.objectContaining({
        attribute: 'segmentMatch',
        op: 'segmentMatch',
        values: ['technical-users'],
        negate: false,
      }),
    ]);
    expect(rule.rollout!.variations).toEqual([
      { variation: 0, weight: 5000 },
      { variation: 1, weight: 95000 },
    ]);
    expect(rule.description).toBe(`rollout:${PLAN_NAME}:technical-users`);

    // Slack received the news
    const texts = slackTexts(slackFrom);
    expect(texts.some((t) => /advanced/.test(t) && /pre-deploy → canary-5/.test(t))).toBe(true);

    // state and reports
    expect(box.state()).toMatchObject({ phase: 'canary-5', traffic: 5, status: 'in-progress' });
    const st = await box.run(['status', '--json'], at(1));
    expect(st.json()).toMatchObject({ plan: PLAN_NAME, state: 'in-progress', phase: 'canary-5', traffic: 5 });
    expect(existsSync(path.join(box.dir, 'plans', 'reports', PLAN_NAME, 'pre-deploy.md'))).toBe(true);
    expect(canary5Flag).toEqual(ld.flag(FLAG));
  });

  it('a clean canary during the soak holds (exit 3) and changes nothing', async () => {
    await resetFakes();
    const box = canary5.clone();
    const before = box.stateText();
    const r = await box.run(['advance', '--json'], at(24));
    expect(r.code).toBe(3);
    const d = r.json();
    expect(d.decision).toBe('held');
    expect(criterion(d, 'minDuration').verdict).toBe('hold');
    for (const m of Object.keys(QUERY)) expect(criterion(d, m)).toMatchObject({ verdict: 'pass', cohort: 'canary' });
    expect(ld.flag(FLAG)).toEqual(canary5Flag);
    expect(JSON.parse(box.stateText())).toMatchObject({
      ...JSON.parse(before),
      lastHeldKey: expect.any(String),
      updatedAt: expect.any(String),
      journalSeq: expect.any(Number),
    });
    expect(box.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });

  it('a canary latency breach in Datadog fails the gate (exit 4) with the numbers, even during the soak; the flag stays', async () => {
    await resetFakes();
    seed({ latency_p95: spike('latency_p95', at(20), 0.62) });
    const box = canary5.clone();
    const slackBefore = slack.payloads.length;
    const applied = ld.applied.length;
    const r = await box.run(['advance', '--json'], at(24));
    expect(r.code).toBe(4);
    const d = r.json();
    expect(d.decision).toBe('failed');
    const p95 = criterion(d, 'latency_p95');
    expect(p95).toMatchObject({
      verdict: 'fail',
      level: 'moderate',
      cohort: 'canary',
      breaches: 1,
      worst: { at: at(20), value: 0.62 },
    });
    expect(p95.detail).toMatch(
      /^0\.62 s at 2026-06-19T05:00:00\.000Z breaks the SLO < 0\.5 s; 1 of 289 points outside over 24h$/,
    );
    // the breach is not hidden behind the soak that has not elapsed
    expect(criterion(d, 'minDuration').verdict).toBe('hold');
    expect(d.contingency).toMatchObject({
      level: 'moderate',
      action: 'reduce-traffic',
      applied: false,
      automatic: false,
    });
    // nothing was written to LaunchDarkly
    expect(ld.applied).toHaveLength(applied);
    expect(ld.requests.filter((q) => q.method === 'PATCH')).toHaveLength(applied);
    expect(ld.flag(FLAG)).toEqual(canary5Flag);
    expect(box.state()).toMatchObject({ phase: 'canary-5', traffic: 5, status: 'in-progress' });
    const told = slack.payloads.slice(slackBefore);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toMatch(/gate failed \(canary-5\)/);
    expect(slackMessages(slackBefore)[0]).toContain('latency_p95: 0.62 s at 2026-06-19T05:00:00.000Z breaks the SLO');

    // the human output has the numbers too
    const human = await box.run(['check', '--no-color'], at(24));
    expect(human.code).toBe(4);
    expect(human.stdout).toContain('0.62 s');
    expect(human.stdout).toContain('< 0.5 s');
  });

  it('a breach past the severe bound rolls back by itself (automatic severe contingency): flag off in LaunchDarkly, state rolled-back', async () => {
    await resetFakes();
    seed({ latency_p95: spike('latency_p95', at(20), 0.95) });
    const box = canary5.clone();
    const slackBefore = slack.payloads.length;
    const r = await box.run(['advance', '--json'], at(24));
    expect(r.code).toBe(4);
    const d = r.json();
    expect(d.decision).toBe('rolled-back');
    const p95 = criterion(d, 'latency_p95');
    expect(p95).toMatchObject({ verdict: 'fail', level: 'severe', worst: { value: 0.95 } });
    expect(p95.detail).toContain('past the severe bound < 0.8 s');
    expect(d.contingency).toMatchObject({ level: 'severe', action: 'rollback', applied: true, automatic: true });
    expect(d.rollback.map((s: { kind: string; status: string }) => [s.kind, s.status])).toEqual([
      ['flag', 'done'],
      ['manual', 'pending'],
    ]);
    expect(ldEnv().on).toBe(false);
    expect(ld.applied.at(-1)!.instructions).toEqual([{ kind: 'turnFlagOff' }]);
    expect(box.state()).toMatchObject({ status: 'rolled-back' });
    const st = await box.run(['status', '--json'], at(24));
    expect(st.json()).toMatchObject({ state: 'rolled-back' });
    expect(slackTexts(slackBefore).some((t) => /rolled back/.test(t))).toBe(true);
    // a rolled-back rollout does not advance again
    const again = await box.run(['advance', '--json'], at(49));
    expect(again.code).toBe(2);
    expect(ldEnv().on).toBe(false);
  });

  it('an open high-urgency P1 PagerDuty incident on the service fails the gate as severe (exit 4); milder and other services do not count', async () => {
    await resetFakes();
    const box = canary5.clone();
    const base: Omit<FakeIncident, 'id' | 'title'> = {
      status: 'triggered',
      urgency: 'high',
      serviceId: PD_SERVICE,
      createdAt: at(23),
    };
    // first: only a low-urgency P4 here and a P1 on another service → pass
    pd.setIncidents([
      { ...base, id: 'PMILD01', title: 'slow cache warmup', urgency: 'low', priority: 'P4' },
      { ...base, id: 'POTHER1', title: 'payments down', priority: 'P1', serviceId: 'POTHERSVC' },
      { ...base, id: 'POLD001', title: 'resolved long ago', priority: 'P1', status: 'resolved' },
    ]);
    const calm = await box.run(['check', '--json'], at(24));
    expect(calm.code).toBe(3);
    expect(criterion(calm.json(), 'incidents')).toMatchObject({ verdict: 'pass' });
    expect(criterion(calm.json(), 'incidents').detail).toContain('1 milder open');
    const pdReq = pd.requests.at(-1)!;
    expect(pdReq.headers.authorization).toBe(`Token token=${PD_TOKEN}`);
    expect(pdReq.query.getAll('service_ids[]')).toEqual([PD_SERVICE]);

    pd.setIncidents([
      { ...base, id: 'PMILD01', title: 'slow cache warmup', urgency: 'low', priority: 'P4' },
      { ...base, id: 'PSEV001', title: 'recommendations 5xx spike', priority: 'P1' },
    ]);
    const before = box.stateText();
    const c = await box.run(['check', '--json'], at(24));
    expect(c.code).toBe(4);
    const inc = criterion(c.json(), 'incidents');
    expect(inc).toMatchObject({ verdict: 'fail', level: 'severe' });
    expect(inc.detail).toContain('PSEV001 (critical) recommendations 5xx spike');
    expect(inc.detail).not.toContain('PMILD01');
    expect(c.json().contingency).toMatchObject({ level: 'severe', action: 'rollback', automatic: true });
    // check changes nothing
    expect(box.stateText()).toBe(before);
    expect(ld.flag(FLAG)).toEqual(canary5Flag);

    // urgency high without a priority is `high`: still at the plan's threshold
    pd.setIncidents([{ ...base, id: 'PURG001', title: 'latency page' }]);
    const urgent = await box.run(['check', '--json'], at(24));
    expect(urgent.code).toBe(4);
    expect(criterion(urgent.json(), 'incidents')).toMatchObject({ verdict: 'fail', level: 'severe' });
    expect(criterion(urgent.json(), 'incidents').detail).toContain('PURG001 (high)');

    // advance applies the plan's automatic severe contingency
    const adv = await box.run(['advance', '--json'], at(24));
    expect(adv.code).toBe(4);
    expect(adv.json()).toMatchObject({ decision: 'rolled-back', state: 'rolled-back' });
    expect(ldEnv().on).toBe(false);
  });

  it('LaunchDarkly 401 on the write: exit 1 naming LD_API_TOKEN, the state and the flag unchanged', async () => {
    const box = await readyToLeaveCanary5();
    const before = box.stateText();
    const patches = ld.requests.filter((q) => q.method === 'PATCH').length;
    ld.faults.inject(
      { kind: 'status', status: 401, body: { code: 'unauthorized', message: 'Invalid account token' } },
      { method: 'PATCH' },
    );
    const r = await box.run(['advance'], at(48));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('LD_API_TOKEN');
    expect(r.stderr).toMatch(/LaunchDarkly rejected/);
    expect(r.stderr).toContain('401');
    // the write was tried once (a 401 is never retried) and nothing changed
    const tried = ld.requests.filter((q) => q.method === 'PATCH').slice(patches);
    expect(tried).toHaveLength(1);
    expect(tried[0]!.body).toContain('active-users');
    expect(ld.flag(FLAG)).toEqual(canary5Flag);
    expect(box.stateText()).toBe(before);
    expect(box.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });

    // once the token works again, the same advance goes through
    const ok = await box.run(['advance', '--json'], at(48));
    if (ok.code !== 0) throw new Error(explain(ok));
    expect(ok.json()).toMatchObject({ decision: 'advanced', to: 'canary-25', traffic: 25 });
  });

  it('Datadog 429 with a reset, then success: waits for the reset and passes; canary-25 serves 25000/75000 of active-users', async () => {
    const box = await readyToLeaveCanary5();
    const from = dd.requests.length;
    dd.rateLimit({ resetInS: 1, times: 3 });
    const r = await box.run(['advance', '--json'], at(48));
    if (r.code !== 0) throw new Error(explain(r));
    const d = r.json();
    expect(d).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', traffic: 25 });
    for (const m of Object.keys(QUERY)) expect(criterion(d, m)).toMatchObject({ verdict: 'pass', cohort: 'canary' });

    // three 429s, then each query again no sooner than the reset
    const asked = dd.requests.slice(from);
    expect(asked.length).toBe(6);
    const first = asked.slice(0, 3);
    const retries = asked.slice(3);
    for (const q of retries) expect(q.at - Math.min(...first.map((f) => f.at))).toBeGreaterThanOrEqual(1000);
    expect(retries.map((q) => JSON.parse(q.body).data.attributes.queries[0].query).sort()).toEqual(
      Object.keys(QUERY)
        .map((m) => render(m, 'canary'))
        .sort(),
    );

    const e = ldEnv();
    expect(e.on).toBe(true);
    expect(e.fallthrough).toEqual({ variation: 1 });
    // canary-5's technical users are kept at 5 % by a rule after active-users' (larger share first)
    expect(e.rules.map((r) => r.description)).toEqual([
      `rollout:${PLAN_NAME}:active-users`,
      `rollout:${PLAN_NAME}:keep:technical-users`,
    ]);
    expect(e.rules[0]!.clauses[0]).toMatchObject({ op: 'segmentMatch', values: ['active-users'] });
    expect(e.rules[0]!.rollout!.variations).toEqual([
      { variation: 0, weight: 25000 },
      { variation: 1, weight: 75000 },
    ]);
    expect(e.rules[1]!.clauses[0]).toMatchObject({ op: 'segmentMatch', values: ['technical-users'] });
    expect(e.rules[1]!.rollout!.variations).toEqual([
      { variation: 0, weight: 5000 },
      { variation: 1, weight: 95000 },
    ]);
    const patch = ld.applied.at(-1)!.instructions;
    const weights = patch.find((i) => 'rolloutWeights' in i)!.rolloutWeights;
    expect(weights).toEqual({ [ON_ID]: 25000, [OFF_ID]: 75000 });
  });

  const malformed: Array<[string, Parameters<DatadogFake['faults']['inject']>[0], RegExp]> = [
    ['truncated JSON', { kind: 'truncated' }, /malformed body \(expected JSON\)/],
    ['an HTML login page', { kind: 'html' }, /malformed body \(expected JSON\).*HTML page titled "Sign in"/],
    [
      'JSON of the wrong shape',
      {
        kind: 'body',
        body: {
          data: { type: 'timeseries_response', attributes: { series: [{ group_tags: [] }], times: [T0], values: [] } },
        },
      },
      /malformed body/,
    ],
    ['an empty 200', { kind: 'text', body: '', status: 200 }, /malformed body/],
  ];
  it.each(malformed)(
    'a Datadog answer that is %s holds the gate (exit 3), never passes',
    async (_what, fault, detail) => {
      const box = await readyToLeaveCanary5();
      const before = box.state();
      dd.faults.inject(fault, { times: 3 });
      const r = await box.run(['advance', '--json'], at(48));
      expect(r.code).toBe(3);
      const d = r.json();
      expect(d.decision).toBe('held');
      expect(d.verdict).toBe('hold');
      for (const m of Object.keys(QUERY)) {
        const c = criterion(d, m);
        expect(c.verdict).toBe('hold');
        expect(c.detail).toMatch(/^no data: /);
        expect(c.detail).toMatch(detail);
      }
      // everything else passed: only the metrics stand between this run and canary-25
      for (const n of ['minDuration', 'incidents', 'approvals']) expect(criterion(d, n).verdict).toBe('pass');
      expect(ld.flag(FLAG)).toEqual(canary5Flag);
      expect(box.state()).toMatchObject({ phase: before.phase, traffic: 5, phaseIndex: before.phaseIndex });
    },
  );

  it('partial Datadog data holds the gate (exit 3): null gaps in one canary series, or no canary series at all', async () => {
    const box = await readyToLeaveCanary5();
    // two hours of nulls in the canary error rate, otherwise healthy
    seed({ error_rate: (t) => (t > T0 + 40 * H && t <= T0 + 42 * H ? null : HEALTHY['error_rate']!(t, 'canary')) });
    const gaps = await box.run(['advance', '--json'], at(48));
    expect(gaps.code).toBe(3);
    const er = criterion(gaps.json(), 'error_rate');
    expect(er).toMatchObject({ verdict: 'hold', invalid: 24, points: 289 - 24 });
    expect(er.detail).toContain('24 point(s) were NaN or not numbers');
    expect(criterion(gaps.json(), 'latency_p95').verdict).toBe('pass');

    // the canary query matches no series in Datadog (a tag typo, a service not reporting yet)
    seed();
    dd.setSeries(render('cpu_utilization', 'canary'), []);
    const none = await box.run(['advance', '--json'], at(48));
    expect(none.code).toBe(3);
    expect(criterion(none.json(), 'cpu_utilization')).toMatchObject({
      verdict: 'hold',
      points: 0,
      detail: 'no data in the last 24h (canary)',
    });
    expect(ld.flag(FLAG)).toEqual(canary5Flag);
    expect(box.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });

  it('Datadog 503 until the retries are exhausted holds the gate (exit 3), never passes', async () => {
    const box = await readyToLeaveCanary5();
    const from = dd.requests.length;
    dd.faults.inject({ kind: 'status', status: 503, body: { errors: ['Service Unavailable'] } }, { times: 1000 });
    const r = await box.run(['advance', '--json'], at(48), {}, 90_000);
    dd.faults.clear();
    expect(r.code).toBe(3);
    const d = r.json();
    expect(d.decision).toBe('held');
    for (const m of Object.keys(QUERY)) {
      const c = criterion(d, m);
      expect(c.verdict).toBe('hold');
      expect(c.detail).toMatch(/Datadog answered 503 for POST \/api\/v2\/query\/timeseries after 5 attempts/);
      expect(c.detail).toContain('Service Unavailable');
    }
    // 1 + 4 retries per query
    expect(dd.requests.length - from).toBe(15);
    expect(ld.flag(FLAG)).toEqual(canary5Flag);
    expect(box.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  }, 120_000);

  it('no token, key or webhook URL appears in any output or in any file under the sandboxes', () => {
    const values = [LD_TOKEN, DD_API_KEY, DD_APP_KEY, PD_TOKEN, slack.webhookUrl, SLACK_HOOK_PATH, SLACK_HOOK_SECRET];
    expect(runs.length).toBeGreaterThan(20);
    for (const r of runs) {
      for (const v of values) {
        expect(r.stdout).not.toContain(v);
        expect(r.stderr).not.toContain(v);
      }
    }
    const files = dirs.flatMap((d) => filesUnder(d));
    const written = files.filter(
      (f) => f.includes(`${path.sep}.rollout-dd${path.sep}`) || f.includes(`${path.sep}reports${path.sep}`),
    );
    // state, journal and reports of several sandboxes
    expect(written.some((f) => f.endsWith('.journal.jsonl'))).toBe(true);
    expect(written.some((f) => f.endsWith('.state.json'))).toBe(true);
    expect(written.some((f) => f.endsWith('.md'))).toBe(true);
    expect(written.some((f) => f.endsWith('.json') && f.includes(`${path.sep}reports${path.sep}`))).toBe(true);
    expectNoSecretIn(files, values);
    // and the secrets did go out, to the fakes only
    expect(ld.requests.some((q) => q.headers.authorization === LD_TOKEN)).toBe(true);
    expect(
      dd.requests.some((q) => q.headers['dd-api-key'] === DD_API_KEY && q.headers['dd-application-key'] === DD_APP_KEY),
    ).toBe(true);
    expect(slack.requests.some((q) => q.path === SLACK_HOOK_PATH)).toBe(true);
  });
});
