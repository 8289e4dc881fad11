/**
 * The flags contract: the same assertions for every flag adapter — the flagd file, the loopback
 * LaunchDarkly fake, the real Unleash server (/tmp/servers.env; test/helpers/servers.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FlagProvider, FlagState } from '../../src/providers/types.js';
import { booleanFlag, type LaunchDarklyFake, startLaunchDarklyFake } from '../helpers/fakes/launchdarkly.js';
import { unleash } from '../helpers/servers.js';
import { CLOSED, contextFor, createAdapter, expectNamedFailure } from './harness.js';

interface FlagsHarness {
  provider: FlagProvider;
  /** a flag no other test uses, existing where the provider cannot create flags */
  newFlag(): Promise<string>;
  /** a provider that cannot answer: unreachable, rejected or unreadable */
  broken(): Promise<FlagProvider>;
  /** what the failure's message must name */
  names: RegExp;
  secrets: string[];
  close(): Promise<void>;
}

let seq = 0;
const unique = () => `contract-${Date.now().toString(36)}-${process.pid}-${seq++}`;
const audience = { name: 'eu-users', attribute: 'region', in: ['eu', 'eu-west'] };

const cases: Array<[string, () => Promise<FlagsHarness>]> = [
  [
    'file (flagd)',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'rollout-flags-contract-'));
      writeFileSync(path.join(dir, 'broken.json'), '{"flags": {');
      const ctx = contextFor('local-flags', dir);
      return {
        provider: await createAdapter('flags', { type: 'file', path: 'flags.json' }, ctx),
        newFlag: async () => unique(),
        broken: () => createAdapter('flags', { type: 'file', path: 'broken.json' }, ctx),
        names: /flag file/,
        secrets: [],
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'launchdarkly (loopback fake)',
    async () => {
      const token = 'api-contract-5e1f0c2b-9d8a-4b7c-a6e5-d4c3b2a10f9e';
      const fake: LaunchDarklyFake = await startLaunchDarklyFake({ token });
      const settings = { type: 'launchdarkly', project: 'default', environment: 'production', timeout: '2s' };
      const ctx = contextFor('ld');
      return {
        provider: await createAdapter('flags', { ...settings, token, url: fake.url }, ctx),
        newFlag: async () => {
          const key = unique();
          fake.setFlag(booleanFlag({ key }));
          return key;
        },
        broken: () => createAdapter('flags', { ...settings, token: `${token}-wrong`, url: fake.url, retries: 0 }, ctx),
        names: /LaunchDarkly/,
        secrets: [token],
        close: () => fake.close(),
      };
    },
  ],
  [
    'unleash (real server)',
    async () => {
      const { url, token } = unleash();
      const settings = { type: 'unleash', url, environment: 'production', timeout: '5s' };
      const created: string[] = [];
      const ctx = contextFor('unleash-flags');
      return {
        provider: await createAdapter('flags', { ...settings, token }, ctx),
        newFlag: async () => {
          const name = unique();
          created.push(name);
          return name;
        },
        broken: () => createAdapter('flags', { ...settings, url: CLOSED, token, retries: 0 }, ctx),
        names: /Unleash/,
        secrets: [token],
        close: async () => {
          // archived only, as test/providers/flags/unleash.test.ts explains
          for (const flag of created)
            await fetch(`${url}/api/admin/projects/default/features/${flag}`, {
              method: 'DELETE',
              headers: { Authorization: token },
            });
        },
      };
    },
  ],
];

const served = (s: FlagState) => ({ enabled: s.enabled, traffic: s.traffic });

describe.each(cases)('flags contract: %s', (_name, setup) => {
  let h: FlagsHarness;
  beforeAll(async () => {
    h = await setup();
  });
  afterAll(() => h?.close());

  test('what a write returns is what is served: read back after every change', async () => {
    const flag = await h.newFlag();
    for (const traffic of [5, 25, 100]) {
      const written = await h.provider.setTraffic({ flag, traffic, audience, comment: `contract ${traffic}%` });
      expect(served(written)).toEqual({ enabled: true, traffic });
      const read = await h.provider.read({ flag });
      expect(served(read)).toEqual({ enabled: true, traffic });
      expect(read.audience).toEqual(expect.any(String));
    }
  });

  test('a write is idempotent, and without an audience everyone is eligible', async () => {
    const flag = await h.newFlag();
    const once = await h.provider.setTraffic({ flag, traffic: 50, comment: 'contract' });
    const twice = await h.provider.setTraffic({ flag, traffic: 50, comment: 'contract' });
    expect(served(twice)).toEqual(served(once));
    const read = await h.provider.read({ flag });
    expect({ ...served(read), audience: read.audience }).toEqual({ enabled: true, traffic: 50, audience: undefined });
  });

  test('disable serves the new variant to nobody, and says so on read', async () => {
    const flag = await h.newFlag();
    await h.provider.setTraffic({ flag, traffic: 25, audience, comment: 'contract' });
    expect(served(await h.provider.disable({ flag, comment: 'contract rollback' }))).toEqual({
      enabled: false,
      traffic: 0,
    });
    expect(served(await h.provider.read({ flag }))).toEqual({ enabled: false, traffic: 0 });
  });

  test('a flag that serves nothing reads as off, never as serving traffic', async () => {
    const flag = await h.newFlag();
    expect(served(await h.provider.read({ flag }))).toEqual({ enabled: false, traffic: 0 });
  });

  test('a provider that cannot answer fails, naming itself, with no secret in the message', async () => {
    const broken = await h.broken();
    const flag = await h.newFlag();
    await expectNamedFailure(broken.read({ flag }), { names: h.names, secrets: h.secrets });
    await expectNamedFailure(broken.setTraffic({ flag, traffic: 5, comment: 'contract' }), {
      names: h.names,
      secrets: h.secrets,
    });
  });
});
