/**
 * The Unleash adapter against a real unleash-server. Every test uses its own flag (archived
 * afterwards, so the playground stays small). Exposure is proved with Unleash's own evaluator, the
 * advanced playground, over 2000 users in and out of the audience. Faults the server will not produce
 * (a lost answer, a failing /on) come from a loopback proxy in front of the same server.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createUnleashFlags } from '../../../src/providers/flags/unleash/index.js';
import type { UnleashSettings } from '../../../src/providers/flags/unleash/settings.js';
import type { FlagProvider } from '../../../src/providers/types.js';
import { unleash } from '../../helpers/servers.js';
import { sendJson, startServer, type FakeServer, type RecordedRequest } from '../../helpers/fakes/http.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const ENV = 'production';
const USERS = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
const { ctx, warnings } = adapterContext({
  name: 'flags',
  baseDir: '.',
  plan: 'recs-test',
  envOf: (s) => (s === 'token' ? 'UNLEASH_TOKEN' : undefined),
});
const settings = (over: Partial<UnleashSettings> = {}): UnleashSettings => ({
  type: 'unleash',
  url: unleash().url,
  token: unleash().token,
  project: 'default',
  environment: ENV,
  stickiness: 'default',
  ...over,
});

const created: string[] = [];
let seq = 0;
/** A flag name no other test or run uses; cleaned up after the test. */
function newFlag(): string {
  const name = `rt-${Date.now().toString(36)}-${process.pid}-${seq++}`;
  created.push(name);
  return name;
}

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; data: any }> {
  const { url, token } = unleash();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}
const envView = async (flag: string) =>
  (await admin('GET', `/api/admin/projects/default/features/${flag}/environments/${ENV}`)).data;

/** The users of `region` who get the flag, as Unleash itself evaluates it. */
async function exposed(flag: string, region: string): Promise<Set<string>> {
  const { status, data } = await admin('POST', '/api/admin/playground/advanced', {
    projects: ['default'],
    environments: [ENV],
    context: { appName: 'rollout-tests', userId: USERS.join(','), region },
  });
  expect(status).toBe(200);
  const feature = data.features.find((f: { name: string }) => f.name === flag);
  const results: Array<{ isEnabled: boolean; context: { userId: string } }> = feature.environments[ENV];
  expect(results).toHaveLength(USERS.length);
  return new Set(results.filter((r) => r.isEnabled).map((r) => r.context.userId));
}

const regionEu = { name: 'eu-users', attribute: 'region', in: ['eu', 'eu-west'] };

afterEach(async () => {
  for (const flag of created.splice(0)) {
    // Archive only: deleting an archived flag right away races Unleash 7.5.1's lifecycle listener,
    // whose failed insert is an unhandled rejection that takes the server down.
    await admin('DELETE', `/api/admin/projects/default/features/${flag}`);
  }
});

describe('Unleash adapter (real server)', () => {
  let flags: FlagProvider;
  beforeAll(async () => {
    flags = await createUnleashFlags(settings(), ctx);
  });

  it('reads a missing flag as off', async () => {
    expect(await flags.read({ flag: newFlag() })).toMatchObject({
      enabled: false,
      traffic: 0,
      detail: { exists: false },
    });
  });

  it('ramps 5 % → 25 % → 100 % of the audience and nobody outside it, sticky, then rolls back', async () => {
    const flag = newFlag();
    const at5 = await flags.setTraffic({ flag, traffic: 5, audience: regionEu, comment: 'canary 5%' });
    // the audience reads back by the plan's name (in the strategy's title), its condition in the detail
    expect(at5).toMatchObject({
      enabled: true,
      traffic: 5,
      audience: 'eu-users',
      detail: { restriction: 'region IN [eu, eu-west]' },
    });
    const strategyId = at5.detail?.strategyId;
    expect(typeof strategyId).toBe('string');

    // created as a release flag, with exactly our strategy
    expect((await admin('GET', `/api/admin/projects/default/features/${flag}`)).data.type).toBe('release');
    const view = await envView(flag);
    expect(view.strategies).toHaveLength(1);
    expect(view.strategies[0]).toMatchObject({
      name: 'flexibleRollout',
      title: 'rollout:recs-test:eu-users',
      parameters: { rollout: '5', stickiness: 'default', groupId: flag },
    });

    const eu5 = await exposed(flag, 'eu');
    expect(eu5.size).toBeGreaterThanOrEqual(60); // 100 expected; binomial sd ≈ 10
    expect(eu5.size).toBeLessThanOrEqual(140);
    expect((await exposed(flag, 'us')).size).toBe(0);

    const at25 = await flags.setTraffic({ flag, traffic: 25, audience: regionEu, comment: 'step 25%' });
    expect(at25).toMatchObject({ enabled: true, traffic: 25, detail: { strategyId } }); // patched, not recreated
    const eu25 = await exposed(flag, 'eu');
    expect(eu25.size).toBeGreaterThanOrEqual(420); // 500 expected; sd ≈ 19
    expect(eu25.size).toBeLessThanOrEqual(580);
    expect([...eu5].filter((u) => !eu25.has(u))).toEqual([]); // nobody who had it loses it
    expect((await exposed(flag, 'us')).size).toBe(0);

    expect(await flags.setTraffic({ flag, traffic: 100, audience: regionEu, comment: 'all of eu' })).toMatchObject({
      traffic: 100,
      detail: { strategyId },
    });
    expect((await exposed(flag, 'eu-west')).size).toBe(USERS.length);
    expect((await exposed(flag, 'us')).size).toBe(0);
    expect((await envView(flag)).strategies).toHaveLength(1);

    const off = await flags.disable({ flag, comment: 'rollback' });
    expect(off).toMatchObject({
      enabled: false,
      traffic: 0,
      detail: { strategyId, rollout: 100, environmentEnabled: false },
    });
    expect((await exposed(flag, 'eu')).size).toBe(0);
    expect(await flags.disable({ flag, comment: 'rollback again' })).toMatchObject({ enabled: false }); // idempotent
  });

  it('serves everyone at 100 % without an audience', async () => {
    const flag = newFlag();
    await flags.setTraffic({ flag, traffic: 100, comment: 'full' });
    expect((await exposed(flag, 'us')).size).toBe(USERS.length);
    expect(await flags.read({ flag })).toMatchObject({ enabled: true, traffic: 100, audience: undefined });
  });

  it('restricts to a segment looked up by name', async () => {
    const flag = newFlag();
    const segName = `${flag}-seg`;
    const seg = await admin('POST', '/api/admin/segments', {
      name: segName,
      constraints: [{ contextName: 'region', operator: 'IN', values: ['eu'] }],
    });
    expect(seg.status).toBe(201);
    try {
      const state = await flags.setTraffic({
        flag,
        traffic: 25,
        audience: { name: 'beta', segment: segName },
        comment: 'segment 25%',
      });
      expect(state).toMatchObject({ enabled: true, traffic: 25, audience: 'beta', detail: { restriction: segName } });
      const eu = await exposed(flag, 'eu');
      expect(eu.size).toBeGreaterThanOrEqual(420);
      expect(eu.size).toBeLessThanOrEqual(580);
      expect((await exposed(flag, 'us')).size).toBe(0);
      // switching from the segment to an attribute audience patches the same strategy
      const swapped = await flags.setTraffic({ flag, traffic: 25, audience: regionEu, comment: 'to attribute' });
      expect(swapped).toMatchObject({
        audience: 'eu-users',
        detail: { strategyId: state.detail?.strategyId, restriction: 'region IN [eu, eu-west]' },
      });
    } finally {
      await flags.disable({ flag, comment: 'cleanup' });
      await admin('DELETE', `/api/admin/projects/default/features/${flag}`);
      await admin('DELETE', `/api/admin/segments/${seg.data.id}`);
    }
  });

  it('traffic 0 on a new flag defines it and exposes nobody (the environment stays off)', async () => {
    const flag = newFlag();
    expect(await flags.setTraffic({ flag, traffic: 0, audience: regionEu, comment: 'pre-deploy' })).toMatchObject({
      enabled: false,
      traffic: 0,
    });
    const view = await envView(flag);
    expect(view.enabled).toBe(false);
    expect(view.strategies).toHaveLength(1);
    expect((await exposed(flag, 'eu')).size).toBe(0);
  });

  it('adopts an existing gradual rollout grouped by the flag key, keeping its stickiness', async () => {
    const flag = newFlag();
    await admin('POST', '/api/admin/projects/default/features', { name: flag, type: 'release' });
    const existing = await admin(
      'POST',
      `/api/admin/projects/default/features/${flag}/environments/${ENV}/strategies`,
      {
        name: 'flexibleRollout',
        constraints: [],
        parameters: { rollout: '10', stickiness: 'userId', groupId: flag },
      },
    );
    const state = await flags.setTraffic({ flag, traffic: 20, comment: 'adopt' });
    expect(state).toMatchObject({ enabled: true, traffic: 20, detail: { strategyId: existing.data.id } });
    const view = await envView(flag);
    expect(view.strategies).toHaveLength(1);
    expect(view.strategies[0].parameters).toEqual({ rollout: '20', stickiness: 'userId', groupId: flag });
  });

  it('setting the state the flag already has changes nothing', async () => {
    const flag = newFlag();
    const first = await flags.setTraffic({ flag, traffic: 5, audience: regionEu, comment: 'a' });
    const again = await flags.setTraffic({
      flag,
      traffic: 5,
      audience: { ...regionEu, in: ['eu-west', 'eu'] },
      comment: 'b',
    });
    expect(again).toEqual(first);
    expect((await envView(flag)).strategies).toHaveLength(1);
  });

  it('warns when strategies it does not manage widen the exposure', async () => {
    const flag = newFlag();
    await admin('POST', '/api/admin/projects/default/features', { name: flag, type: 'release' });
    await admin('POST', `/api/admin/projects/default/features/${flag}/environments/${ENV}/strategies`, {
      name: 'default',
      constraints: [],
      parameters: {},
    });
    warnings.length = 0;
    const state = await flags.setTraffic({ flag, traffic: 5, comment: 'x' });
    expect(warnings.join('\n')).toMatch(/1 other active strategy .* exposure can exceed 5 %/);
    expect(state.detail?.unmanagedStrategies).toHaveLength(1);
  });

  describe('refused before anything is sent: the flag stays as it was', () => {
    let flag: string;
    let before: unknown;
    beforeAll(async () => {
      flag = `rt-refused-${Date.now().toString(36)}-${process.pid}`;
      await flags.setTraffic({ flag, traffic: 5, audience: regionEu, comment: 'start' });
      before = await envView(flag);
    });
    afterAll(async () => {
      await admin('DELETE', `/api/admin/projects/default/features/${flag}`);
    });

    it.each([150, -1, 2.5, Number.NaN])('traffic %p', async (traffic) => {
      await expect(flags.setTraffic({ flag, traffic, audience: regionEu, comment: 'bad' })).rejects.toThrow(
        /whole number from 0 to 100; nothing was sent/,
      );
      expect(await envView(flag)).toEqual(before);
    });

    it('an unknown segment', async () => {
      const err = await expectProviderError(
        flags.setTraffic({ flag, traffic: 25, audience: { name: 'x', segment: 'no-such-segment' }, comment: 'bad' }),
      );
      expect(err.message).toMatch(/segment "no-such-segment" does not exist/);
      expect(await envView(flag)).toEqual(before);
    });
  });

  it('an environment the project does not have is a clear error', async () => {
    const flag = newFlag();
    await admin('POST', '/api/admin/projects/default/features', { name: flag, type: 'release' });
    const other = await createUnleashFlags(settings({ environment: 'staging' }), ctx);
    await expect(other.read({ flag })).rejects.toThrow(/no environment "staging" .*known: development, production/);
  });

  it('a rejected token names the environment variable it came from', async () => {
    const bad = await createUnleashFlags(settings({ token: '*:*.not-the-token' }), ctx);
    const err = await expectProviderError(bad.read({ flag: 'whatever' }), { secrets: ['not-the-token'] });
    expect(err.status).toBe(401);
    expect(`${err.message} ${err.hint ?? ''}`).toContain('UNLEASH_TOKEN');
    expect(err.message).not.toContain('not-the-token');
  });
});

describe('Unleash adapter behind a fault-injecting proxy', () => {
  let proxy: FakeServer;
  let direct: FlagProvider;
  /** Decides per request: answer it here (return true) or forward it to the real server. */
  let intercept: (
    req: RecordedRequest,
    res: ServerResponse,
    forward: () => Promise<{ status: number; body: string }>,
  ) => Promise<boolean> = async () => false;

  beforeAll(async () => {
    direct = await createUnleashFlags(settings(), ctx);
    proxy = await startServer(async (req, res) => {
      const forward = async () => {
        const r = await fetch(`${unleash().url}${req.url}`, {
          method: req.method,
          headers: {
            authorization: req.headers.authorization ?? '',
            ...(req.body ? { 'content-type': 'application/json' } : {}),
          },
          body: req.body || undefined,
        });
        return { status: r.status, body: await r.text() };
      };
      if (await intercept(req, res, forward)) return;
      const r = await forward();
      res.writeHead(r.status, { 'Content-Type': 'application/json' });
      res.end(r.body);
    });
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    intercept = async () => false;
  });
  const viaProxy = () => createUnleashFlags(settings({ url: proxy.url, retries: 2 }), ctx);
  const isStrategyPost = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/strategies');

  it('a strategy POST whose answer is lost is not re-sent; a re-read finds it and the rollout goes on', async () => {
    const flag = newFlag();
    intercept = async (req, res, forward) => {
      if (!isStrategyPost(req)) return false;
      await forward(); // it lands on the server ...
      sendJson(res, 502, { message: 'bad gateway' }); // ... but the answer is lost
      return true;
    };
    const state = await (await viaProxy()).setTraffic({ flag, traffic: 5, audience: regionEu, comment: 'lost answer' });
    expect(state).toMatchObject({ enabled: true, traffic: 5 });
    expect(proxy.requests.filter((r) => isStrategyPost(r) && r.path.includes(flag))).toHaveLength(1);
    expect((await envView(flag)).strategies).toHaveLength(1);
  });

  it('writes with PATCH and POST only (never a PUT that erases fields), strategy before /on', async () => {
    const flag = newFlag();
    const p = await viaProxy();
    await p.setTraffic({ flag, traffic: 5, comment: 'a' });
    await p.setTraffic({ flag, traffic: 25, comment: 'b' });
    const writes = proxy.requests
      .filter((r) => r.method !== 'GET' && (r.path.includes(flag) || r.body.includes(`"${flag}"`)))
      .map(
        (r) =>
          `${r.method} ${r.path
            .replace('/api/admin/projects/default/features', '')
            .replace(flag, 'F')
            .replace(/strategies\/[0-9a-f-]+$/, 'strategies/ID')}`,
      );
    expect(writes).toEqual([
      'POST ', // the flag, as a release flag
      `POST /F/environments/${ENV}/strategies`,
      `POST /F/environments/${ENV}/on`,
      `PATCH /F/environments/${ENV}/strategies/ID`,
    ]);
    const patch = proxy.requests.find((r) => r.method === 'PATCH' && r.path.includes(flag))!;
    expect(JSON.parse(patch.body)).toEqual([{ op: 'replace', path: '/parameters/rollout', value: '25' }]);
  });

  it('a failing step undoes the earlier ones: the flag is left as it was', async () => {
    const flag = newFlag();
    await direct.setTraffic({ flag, traffic: 5, audience: regionEu, comment: 'start' });
    await direct.disable({ flag, comment: 'rolled back' });
    const before = await envView(flag);
    intercept = async (req, res) => {
      if (!(req.method === 'POST' && req.path.endsWith('/on'))) return false;
      sendJson(res, 400, { name: 'BadDataError', message: 'injected: cannot enable' });
      return true;
    };
    const err = await expectProviderError(
      (await viaProxy()).setTraffic({ flag, traffic: 25, audience: regionEu, comment: 'resume' }),
    );
    expect(err.message).toMatch(/injected: cannot enable.*the flag was left as it was/s);
    expect(await envView(flag)).toEqual(before);
  });

  it('a failing strategy POST on a new flag leaves no strategy and the environment off', async () => {
    const flag = newFlag();
    intercept = async (req, res) => {
      if (!isStrategyPost(req)) return false;
      sendJson(res, 400, { name: 'BadDataError', message: 'injected: bad strategy' });
      return true;
    };
    await expect((await viaProxy()).setTraffic({ flag, traffic: 5, comment: 'x' })).rejects.toThrow(
      /injected: bad strategy/,
    );
    const view = await envView(flag);
    expect(view).toMatchObject({ enabled: false, strategies: [] });
  });
});
