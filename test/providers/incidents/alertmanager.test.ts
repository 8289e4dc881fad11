/**
 * The Alertmanager adapter against a real Alertmanager: alerts are posted with a label unique to this
 * run (so other suites on the same server do not interfere), one is silenced, one already resolved.
 * A loopback fake supplies the malformed answers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProviderError } from '../../../src/errors.js';
import { createAlertmanagerIncidents } from '../../../src/providers/incidents/alertmanager/index.js';
import type { AlertmanagerSettings } from '../../../src/providers/incidents/alertmanager/settings.js';
import { FaultQueue, sendJson, startServer, type FakeServer } from '../../helpers/fakes/http.js';
import { adapterContext, expectProviderError } from '../../helpers/providers.js';
import { alertmanagerUrl } from '../../helpers/servers.js';

const { ctx, warnings } = adapterContext({ name: 'alerts', baseDir: '.', plan: 'test' });
const settings = (over: Partial<AlertmanagerSettings>): AlertmanagerSettings => ({
  type: 'alertmanager',
  url: alertmanagerUrl(),
  severityLabel: 'severity',
  ...over,
});

const run = randomUUID();
const inHour = () => new Date(Date.now() + 3_600_000).toISOString();
const alert = (name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  labels: { alertname: name, run, service: 'recommendations', ...labels },
  annotations: { summary: `${name} summary` },
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: inHour(),
  generatorURL: `http://prometheus.test/graph?g0.expr=${name}`,
  ...extra,
});

async function post(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${alertmanagerUrl()}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

describe('Alertmanager adapter (real server)', () => {
  beforeAll(async () => {
    await post('/api/v2/alerts', [
      alert('Crit', { severity: 'critical' }),
      alert('Warn', { severity: 'warning' }),
      alert('Paged', { severity: 'page' }),
      alert('Unlabelled', {}),
      alert('Weird', { severity: 'sev2' }),
      alert('Silenced', { severity: 'critical', silenceme: 'yes' }),
      alert('OtherService', { severity: 'critical', service: 'checkout' }),
      alert(
        'Resolved',
        { severity: 'critical' },
        { startsAt: new Date(Date.now() - 600_000).toISOString(), endsAt: new Date(Date.now() - 60_000).toISOString() },
      ),
    ]);
    await post('/api/v2/silences', {
      matchers: [
        { name: 'run', value: run, isRegex: false, isEqual: true },
        { name: 'silenceme', value: 'yes', isRegex: false, isEqual: true },
      ],
      startsAt: new Date().toISOString(),
      endsAt: inHour(),
      createdBy: 'rollout tests',
      comment: 'silenced on purpose',
    });
  });

  it('returns only active, unsilenced alerts, with severities mapped and unmappable ones as critical', async () => {
    const am = await createAlertmanagerIncidents(
      settings({ filter: [`run="${run}"`, 'service="recommendations"'] }),
      ctx,
    );
    const open = await am.open({ now: Date.now() });
    const byName = Object.fromEntries(open.map((i) => [i.title.split(':')[0], i.severity]));
    expect(byName).toEqual({
      Crit: 'critical',
      Warn: 'medium',
      Paged: 'high',
      Unlabelled: 'critical',
      Weird: 'critical',
    });
    expect(warnings.join('\n')).toMatch(/"sev2" unknown; counted as critical/);
    expect(warnings.join('\n')).toMatch(/label "severity" missing/);
  });

  it('maps an alert to an Incident', async () => {
    const am = await createAlertmanagerIncidents(settings({ filter: [`run="${run}"`, 'alertname="Crit"'] }), ctx);
    const [crit, ...rest] = await am.open({ now: Date.now() });
    expect(rest).toEqual([]);
    expect(crit).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      severity: 'critical',
      title: 'Crit: Crit summary',
      openedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      url: 'http://prometheus.test/graph?g0.expr=Crit',
    });
  });

  it('narrows to the configured severities with a matcher, and applies severityMap', async () => {
    const am = await createAlertmanagerIncidents(
      settings({ filter: [`run="${run}"`, 'severity=~"critical|page"'], severityMap: { page: 'critical' } }),
      ctx,
    );
    const open = await am.open({ now: Date.now() });
    expect(open.map((i) => [i.title.split(':')[0], i.severity]).sort()).toEqual([
      ['Crit', 'critical'],
      ['OtherService', 'critical'],
      ['Paged', 'critical'],
    ]);
  });

  it('reads another severity label', async () => {
    const am = await createAlertmanagerIncidents(
      settings({
        filter: `run="${run}"`,
        severityLabel: 'service',
        severityMap: { recommendations: 'low', checkout: 'medium' },
      }),
      ctx,
    );
    const open = await am.open({ now: Date.now() });
    expect(new Set(open.map((i) => i.severity))).toEqual(new Set(['low', 'medium']));
  });

  it('a filter that matches nothing is no incidents', async () => {
    const am = await createAlertmanagerIncidents(settings({ filter: `run="${randomUUID()}"` }), ctx);
    expect(await am.open({ now: Date.now() })).toEqual([]);
  });

  it("a malformed matcher is a ProviderError with Alertmanager's explanation", async () => {
    const am = await createAlertmanagerIncidents(settings({ filter: 'severity="crit' }), ctx);
    const err = await expectProviderError(am.open({ now: Date.now() }));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/rejected the filter .*: .+/);
  });
});

describe('Alertmanager adapter (malformed answers from a loopback fake)', () => {
  let fake: FakeServer;
  const faults = new FaultQueue();
  beforeAll(async () => {
    fake = await startServer(async (req, res) => {
      if (await faults.apply(req, res)) return;
      sendJson(res, 200, []);
    });
  });
  afterAll(() => fake.close());
  const am = () =>
    createAlertmanagerIncidents(
      {
        type: 'alertmanager',
        url: fake.url,
        severityLabel: 'severity',
        retries: 0,
        headers: { Authorization: 'Basic eDp5' },
      },
      ctx,
    );

  it('sends the headers and the repeated filter', async () => {
    await (
      await createAlertmanagerIncidents(
        { type: 'alertmanager', url: fake.url, severityLabel: 'severity', filter: ['a="1"', 'b="2"'] },
        ctx,
      )
    ).open({ now: 0 });
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/api/v2/alerts');
    expect(req.query.getAll('filter')).toEqual(['a="1"', 'b="2"']);
    await (await am()).open({ now: 0 });
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Basic eDp5');
  });

  it.each([
    ['an object instead of a list', { alerts: [] }],
    ['an alert without labels', [{ fingerprint: 'abc' }]],
    ['an alert without fingerprint', [{ labels: {} }]],
    ['a label that is not a string', [{ fingerprint: 'abc', labels: { alertname: 'X', severity: 1 } }]],
    ['labels that are a list', [{ fingerprint: 'abc', labels: ['severity=critical'] }]],
    ['JSON null', null],
    ['a JSON string', 'no alerts today'],
  ])('%s is a ProviderError', async (_name, body) => {
    faults.inject({ kind: 'body', body });
    await expect((await am()).open({ now: 0 })).rejects.toThrow(/not a list of alerts/);
  });

  it('a body that is not JSON is a ProviderError', async () => {
    faults.inject({ kind: 'html' });
    await expect((await am()).open({ now: 0 })).rejects.toBeInstanceOf(ProviderError);
  });
});
