import { afterAll, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
import { createPagerDutyIncidents, incidentsQuery } from '../../../src/providers/incidents/pagerduty/index.js';
import { createSeverityMapper } from '../../../src/providers/incidents/pagerduty/severity.js';
import { pagerDutySettings } from '../../../src/providers/incidents/pagerduty/settings.js';
import type { IncidentProvider } from '../../../src/providers/types.js';
import { startPagerDutyFake, type FakeIncident, type PagerDutyFake } from '../../helpers/fakes/pagerduty.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';

const TOKEN = 'u+pdtoken-a1b2c3d4e5f6g7h8';
const SERVICE = 'PIJ90N7';
const OTHER = 'PXYZ123';
const NOW = Date.parse('2026-11-30T08:00:00Z');

let fake: PagerDutyFake;
const { ctx, warnings } = adapterContext({
  name: 'pd',
  now: () => NOW,
  envOf: (s) => ({ token: 'PAGERDUTY_TOKEN' })[s],
});

function provider(over: Record<string, unknown> = {}): Promise<IncidentProvider> {
  const settings = pagerDutySettings.parse({
    type: 'pagerduty',
    token: TOKEN,
    serviceIds: [SERVICE],
    url: fake.url,
    timeout: '500ms',
    ...over,
  });
  return createPagerDutyIncidents(settings, ctx);
}

const incident = (id: string, over: Partial<FakeIncident> = {}): FakeIncident => ({
  id,
  title: `Incident ${id}`,
  status: 'triggered',
  urgency: 'high',
  serviceId: SERVICE,
  createdAt: '2026-11-30T07:00:00Z',
  ...over,
});

const caught = (p: Promise<unknown>) => expectProviderError(p, { secrets: [TOKEN] });

beforeAll(async () => {
  fake = await startPagerDutyFake({ token: TOKEN });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.faults.clear();
  warnings.length = 0;
  fake.setIncidents([
    incident('PT1', { title: 'Checkout 5xx spike', priority: 'P1' }),
    incident('PT2', { status: 'acknowledged', urgency: 'low', priority: 'P3' }),
    incident('PT3', { urgency: 'low' }),
    incident('PT4', { urgency: 'high' }),
    incident('PT5', { status: 'resolved', priority: 'P1' }),
    incident('PT6', { serviceId: OTHER, priority: 'P1' }),
  ]);
});

describe('open incidents', () => {
  it('asks for the triggered and acknowledged incidents of the services, with the v2 headers', async () => {
    await (await provider({ serviceIds: [SERVICE, OTHER] })).open({ now: NOW });
    const req = fake.requests[0]!;
    expect(req.path).toBe('/incidents');
    expect(req.url).toBe(
      `/incidents?service_ids[]=${SERVICE}&service_ids[]=${OTHER}&statuses[]=triggered&statuses[]=acknowledged&limit=100&offset=0`,
    );
    expect(req.headers.authorization).toBe(`Token token=${TOKEN}`);
    expect(req.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
  });

  it('maps priorities first, urgencies otherwise, and keeps the details', async () => {
    const list = await (await provider()).open({ now: NOW });
    expect(list).toEqual([
      {
        id: 'PT1',
        severity: 'critical',
        title: 'Checkout 5xx spike',
        openedAt: '2026-11-30T07:00:00Z',
        url: 'https://acme.pagerduty.com/incidents/PT1',
      },
      {
        id: 'PT2',
        severity: 'medium',
        title: 'Incident PT2',
        openedAt: '2026-11-30T07:00:00Z',
        url: 'https://acme.pagerduty.com/incidents/PT2',
      },
      {
        id: 'PT3',
        severity: 'low',
        title: 'Incident PT3',
        openedAt: '2026-11-30T07:00:00Z',
        url: 'https://acme.pagerduty.com/incidents/PT3',
      },
      {
        id: 'PT4',
        severity: 'high',
        title: 'Incident PT4',
        openedAt: '2026-11-30T07:00:00Z',
        url: 'https://acme.pagerduty.com/incidents/PT4',
      },
    ]);
    expect(warnings).toEqual([]);
  });

  it('none open is an empty list', async () => {
    fake.setIncidents([incident('PT9', { status: 'resolved' })]);
    expect(await (await provider()).open({ now: NOW })).toEqual([]);
  });

  it('an unknown priority counts as critical, with one warning', async () => {
    fake.setIncidents([incident('A', { priority: 'SEV-2', urgency: 'low' }), incident('B', { priority: 'SEV-2' })]);
    const list = await (await provider()).open({ now: NOW });
    expect(list.map((i) => i.severity)).toEqual(['critical', 'critical']);
    expect(warnings).toEqual([
      'PagerDuty incident priority "SEV-2": severity unknown, counted as critical (map priority names with severityMap)',
    ]);
  });

  it('severityMap names the account priorities, ignoring case', async () => {
    fake.setIncidents([incident('A', { priority: 'SEV-2' }), incident('B', { priority: 'p1' })]);
    const list = await (await provider({ severityMap: { 'sev-2': 'medium', P1: 'high' } })).open({ now: NOW });
    expect(list.map((i) => i.severity)).toEqual(['medium', 'high']);
  });

  it('reads every page', async () => {
    fake.setIncidents(Array.from({ length: 230 }, (_, i) => incident(`P${i}`, { urgency: i % 2 ? 'low' : 'high' })));
    const list = await (await provider()).open({ now: NOW });
    expect(list).toHaveLength(230);
    expect(new Set(list.map((i) => i.id)).size).toBe(230);
    expect(fake.requests.map((r) => r.query.get('offset'))).toEqual(['0', '100', '200']);
  });
});

describe('severities', () => {
  test.each<[string | undefined, string | undefined, string, boolean]>([
    ['P1', 'low', 'critical', true],
    ['P2', 'low', 'high', true],
    ['P3', 'high', 'medium', true],
    ['P4', 'high', 'low', true],
    ['P5', 'high', 'low', true],
    [undefined, 'high', 'high', true],
    [undefined, 'low', 'low', true],
    [undefined, undefined, 'critical', false],
    [undefined, 'urgent', 'critical', false],
    ['Sev 1', 'low', 'critical', false],
  ])('priority %s, urgency %s → %s', (priority, urgency, severity, mapped) => {
    expect(createSeverityMapper(undefined)({ priority, urgency })).toMatchObject({ severity, mapped });
  });

  it('builds the query with literal brackets and encoded values', () => {
    expect(incidentsQuery(['A B'], 200)).toBe(
      'service_ids[]=A%20B&statuses[]=triggered&statuses[]=acknowledged&limit=100&offset=200',
    );
  });
});

describe('failures: never a list', () => {
  it('401 names the token variable, never the token', async () => {
    const settings = pagerDutySettings.parse({
      type: 'pagerduty',
      token: 'wrong-token-xyz',
      serviceIds: [SERVICE],
      url: fake.url,
    });
    const e = await caught((await createPagerDutyIncidents(settings, ctx)).open({ now: NOW }));
    expect(e.status).toBe(401);
    expect(e.message).toBe('PagerDuty rejected the token in PAGERDUTY_TOKEN (401)');
    expect(e.hint).toBe('check that PAGERDUTY_TOKEN holds a valid, unexpired PagerDuty credential');
    expect(`${e.message}${e.hint}`).not.toContain('wrong-token-xyz');
    expect(fake.requests).toHaveLength(1);
  });

  it('waits the ratelimit-reset seconds on 429, then answers', async () => {
    fake.rateLimit({ resetInS: 1 });
    const list = await (await provider()).open({ now: NOW });
    expect(list).toHaveLength(4);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('fails at once when the rate limit resets after the total timeout', async () => {
    fake.rateLimit({ resetInS: 60, times: 3 });
    const e = await caught((await provider({ totalTimeout: '5s' })).open({ now: NOW }));
    expect(e.status).toBe(429);
    expect(e.message).toMatch(
      /^PagerDuty rate-limited us \(429 on GET \/incidents\); the limit resets in 60 s \(at .*Z\), beyond the 5 s total timeout$/,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('a rate limit on a later page fails the whole read', async () => {
    fake.setIncidents(Array.from({ length: 150 }, (_, i) => incident(`P${i}`)));
    fake.faults.inject({ kind: 'delay', ms: 0 });
    fake.rateLimit({ resetInS: 60, times: 3 });
    const e = await caught((await provider({ totalTimeout: '5s' })).open({ now: NOW }));
    expect(e.status).toBe(429);
    expect(fake.requests.map((r) => r.query.get('offset'))).toEqual(['0', '100']);
  });

  it("retries 5xx, then gives up with PagerDuty's error", async () => {
    fake.faults.inject(
      {
        kind: 'status',
        status: 503,
        body: { error: { code: 2000, message: 'Internal Error', errors: ['try again'] } },
      },
      { times: 3 },
    );
    const e = await caught((await provider({ retries: 2 })).open({ now: NOW }));
    expect(e.message).toMatch(/^PagerDuty answered 503 for GET \/incidents after 3 attempts over .*: try again$/);
    expect(fake.requests).toHaveLength(3);
  });

  it('recovers when a 502 clears', async () => {
    fake.faults.inject({ kind: 'status', status: 502 });
    expect(await (await provider()).open({ now: NOW })).toHaveLength(4);
    expect(fake.requests).toHaveLength(2);
  });

  it("a 400 carries PagerDuty's errors and is not retried", async () => {
    fake.faults.inject({
      kind: 'status',
      status: 400,
      body: { error: { code: 2001, message: 'Invalid Input Provided', errors: ['Service Ids must be valid'] } },
    });
    const e = await caught((await provider()).open({ now: NOW }));
    expect(e.message).toBe('PagerDuty answered 400 for GET /incidents: Service Ids must be valid');
    expect(fake.requests).toHaveLength(1);
  });

  it('a slow answer is a timeout', async () => {
    fake.faults.inject({ kind: 'delay', ms: 800 }, { times: 3 });
    const e = await caught((await provider({ timeout: '100ms', retries: 0 })).open({ now: NOW }));
    expect(e.message).toBe('PagerDuty did not answer within 100 ms (GET /incidents)');
  });

  test.each([
    [
      'an HTML page',
      { kind: 'html' } as const,
      /^PagerDuty returned a malformed body \(expected JSON\) for GET \/incidents: an HTML page titled "Sign in"$/,
    ],
    ['truncated JSON', { kind: 'truncated' } as const, /^PagerDuty returned a malformed body \(expected JSON\)/],
    [
      'no incidents list',
      { kind: 'body', body: { incident: [] } } as const,
      /^PagerDuty answered GET \/incidents with something that is not a page of incidents$/,
    ],
    [
      'an incident without id',
      { kind: 'body', body: { incidents: [{ title: 'x' }], more: false } } as const,
      /not a page of incidents$/,
    ],
    ['an empty body', { kind: 'text', body: '' } as const, /not a page of incidents$/],
    [
      'an urgency that is not a string',
      { kind: 'body', body: { incidents: [{ id: 'P1', urgency: 1, status: 'triggered' }], more: false } } as const,
      /not a page of incidents$/,
    ],
    [
      'a priority name that is not a string',
      { kind: 'body', body: { incidents: [{ id: 'P1', priority: { name: ['P1'] } }], more: false } } as const,
      /not a page of incidents$/,
    ],
    ['a JSON string', { kind: 'body', body: 'maintenance' } as const, /not a page of incidents$/],
    [
      'more with an empty page',
      { kind: 'body', body: { incidents: [], more: true } } as const,
      /^PagerDuty said more incidents follow offset 0 but sent none$/,
    ],
  ])('%s is a ProviderError', async (_name, fault, message) => {
    fake.faults.inject(fault);
    expect((await caught((await provider()).open({ now: NOW }))).message).toMatch(message);
  });
});
