/**
 * The incidents contract: the same assertions for every incident adapter — the incidents file, the
 * loopback PagerDuty fake and the real Alertmanager (/tmp/servers.env). An incident recorded at the
 * source is served as open with its severity; a resolved one is not; a source that cannot be read is
 * no answer (never "no open incident"); failures name the provider without secrets.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncidentProvider, Severity } from '../../src/providers/types.js';
import { type FakeIncident, type PagerDutyFake, startPagerDutyFake } from '../helpers/fakes/pagerduty.js';
import { CLOSED, contextFor, createAdapter, expectNamedFailure } from './harness.js';

interface Recorded {
  title: string;
  severity: Severity;
  resolved?: boolean;
}

interface IncidentsHarness {
  provider: IncidentProvider;
  /** makes the source hold exactly these incidents (for this suite) */
  record(list: Recorded[]): Promise<void>;
  broken(): Promise<IncidentProvider>;
  names: RegExp;
  secrets: string[];
  close(): Promise<void>;
}

const PD_PRIORITY: Record<Severity, string> = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4' };

const cases: Array<[string, () => Promise<IncidentsHarness>]> = [
  [
    'file (JSON)',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rollout-incidents-contract-'));
      const ctx = contextFor('local-incidents', dir);
      writeFileSync(path.join(dir, 'incidents.json'), '[]');
      return {
        provider: await createAdapter('incidents', { type: 'file', path: 'incidents.json' }, ctx),
        record: async (list) =>
          writeFileSync(
            path.join(dir, 'incidents.json'),
            JSON.stringify(
              list.map((i, n) => ({
                id: `INC-${n}`,
                severity: i.severity,
                title: i.title,
                status: i.resolved ? 'resolved' : 'open',
              })),
            ),
          ),
        broken: () => createAdapter('incidents', { type: 'file', path: 'missing.json' }, ctx),
        names: /incidents file/,
        secrets: [],
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'pagerduty (loopback fake)',
    async () => {
      const token = 'pd-contract-u+Zx3c9QwErTyUiOpAsD';
      const fake: PagerDutyFake = await startPagerDutyFake({ token });
      const settings = { type: 'pagerduty', serviceIds: ['PSVC01'], url: fake.url, timeout: '2s', retries: 0 };
      const ctx = contextFor('pd');
      return {
        provider: await createAdapter('incidents', { ...settings, token }, ctx),
        record: async (list) =>
          fake.setIncidents(
            list.map(
              (i, n): FakeIncident => ({
                id: `PC${n}`,
                title: i.title,
                status: i.resolved ? 'resolved' : 'triggered',
                urgency: 'high',
                serviceId: 'PSVC01',
                createdAt: '2026-06-18T09:00:00Z',
                priority: PD_PRIORITY[i.severity],
              }),
            ),
          ),
        broken: () => createAdapter('incidents', { ...settings, token: `${token}-wrong` }, ctx),
        names: /PagerDuty/,
        secrets: [token, `${token}-wrong`],
        close: () => fake.close(),
      };
    },
  ],
  [
    'alertmanager (real server)',
    async () => {
      const { alertmanagerUrl } = await import('../helpers/servers.js');
      const url = alertmanagerUrl();
      const run = randomUUID();
      const bearer = 'Bearer am-contract-9f8e7d6c5b4a';
      const ctx = contextFor('alerts');
      // Alertmanager forgets nothing on request: each record uses a fresh label value, and the
      // provider filters on it, so what it serves is what was recorded last
      let generation = 0;
      const settings = () => ({ type: 'alertmanager', url, filter: [`contract="${run}-${generation}"`] });
      const harness: IncidentsHarness = {
        provider: await createAdapter('incidents', settings(), ctx),
        record: async (list) => {
          generation += 1;
          harness.provider = await createAdapter('incidents', settings(), ctx);
          const now = Date.now();
          const res = await fetch(`${url}/api/v2/alerts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(
              list.map((i) => ({
                labels: { alertname: i.title, contract: `${run}-${generation}`, severity: i.severity },
                annotations: { summary: i.title },
                startsAt: new Date(now - 60_000).toISOString(),
                // a resolved alert is one whose end has passed
                endsAt: new Date(i.resolved ? now - 1000 : now + 3_600_000).toISOString(),
              })),
            ),
          });
          expect(res.status).toBe(200);
        },
        broken: () =>
          createAdapter(
            'incidents',
            { type: 'alertmanager', url: CLOSED, headers: { Authorization: bearer }, retries: 0, timeout: '2s' },
            ctx,
          ),
        names: /Alertmanager/,
        secrets: [bearer, 'am-contract-9f8e7d6c5b4a'],
        close: async () => undefined,
      };
      return harness;
    },
  ],
];

const NOW = { now: Date.now() };

describe.each(cases)('incidents contract: %s', (_name, setup) => {
  let h: IncidentsHarness;
  beforeAll(async () => {
    h = await setup();
  });
  afterAll(() => h?.close());

  test('nothing recorded: no open incident (an answer, not an error)', async () => {
    await h.record([]);
    expect(await h.provider.open(NOW)).toEqual([]);
  });

  test('serves the open incidents recorded at the source, with their severity; resolved ones are not open', async () => {
    await h.record([
      { title: 'ContractCheckoutDown', severity: 'critical' },
      { title: 'ContractSlowSearch', severity: 'medium' },
      { title: 'ContractOldOutage', severity: 'high', resolved: true },
    ]);
    const open = await h.provider.open(NOW);
    expect(open.map((i) => [i.title.match(/Contract\w+/)?.[0], i.severity]).sort()).toEqual([
      ['ContractCheckoutDown', 'critical'],
      ['ContractSlowSearch', 'medium'],
    ]);
    for (const i of open) expect(i.id).toEqual(expect.any(String));
  });

  test('a source that cannot be read is no answer, never "no open incident": it fails naming the provider, with no secret', async () => {
    await expectNamedFailure((await h.broken()).open(NOW), { names: h.names, secrets: h.secrets });
  });
});
