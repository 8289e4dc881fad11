/**
 * Who gets an Unleash flag, two ways: Unleash's own evaluator (the advanced playground of the test
 * server, in chunks well under its 15 000-evaluation limit), and locally over many keys with Unleash's
 * hashing (murmurhash3 x86 32-bit of `${groupId}:${userId}`, seed 0, `% 100 + 1`, as unleash-client's
 * normalizedValue; `imurmurhash`, which @openfeature/flagd-core already brings, is that hash for ASCII keys).
 * The local evaluator knows only what rollout writes (flexibleRollout, IN constraints) and throws on
 * anything else; tests check it agrees with the playground on every key the playground evaluated.
 */
import { createRequire } from 'node:module';
import { expect } from '@jest/globals';
import { unleash } from './servers.js';

const require = createRequire(import.meta.url);
const murmur = require('imurmurhash') as (key: string, seed: number) => { result(): number };

export const ENV = 'production';

export async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; data: any }> {
  const { url, token } = unleash();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}

export interface Served {
  on: boolean;
  variant: string;
  payload?: string | undefined;
}

/** Unleash's own answer for each user id with these context fields (the advanced playground). */
export async function playground(flag: string, users: string[], fields: Record<string, string>) {
  const out = new Map<string, Served>();
  for (let i = 0; i < users.length; i += 1000) {
    const chunk = users.slice(i, i + 1000);
    const { status, data } = await admin('POST', '/api/admin/playground/advanced', {
      projects: ['default'],
      environments: [ENV],
      context: { appName: 'rollout-tests', userId: chunk.join(','), ...fields },
    });
    if (status !== 200) throw new Error(`playground: ${status} ${JSON.stringify(data)}`);
    const feature = data.features.find((f: { name: string }) => f.name === flag);
    const results: any[] = feature.environments[ENV];
    expect(results).toHaveLength(chunk.length);
    for (const r of results)
      out.set(r.context.userId, { on: r.isEnabled, variant: r.variant?.name, payload: r.variant?.payload?.value });
  }
  return out;
}

/** The flag's production environment as stored (strategies with parameters, constraints, variants). */
export async function storedEnv(flag: string): Promise<{ enabled: boolean; strategies: any[] }> {
  const { status, data } = await admin('GET', `/api/admin/projects/default/features/${flag}`);
  expect(status).toBe(200);
  return data.environments.find((e: { name: string }) => e.name === ENV);
}

export const normalizedValue = (id: string, groupId: string): number =>
  (murmur(`${groupId}:${id}`, 0).result() % 100) + 1;

/** Whether a user gets the flag, evaluated locally from the stored environment (strategies are ORed). */
export function evaluate(
  env: { enabled: boolean; strategies: any[] },
  userId: string,
  fields: Record<string, string>,
): boolean {
  if (!env.enabled) return false;
  if (env.strategies.length === 0) return true;
  const field = (name: string) => (name === 'userId' ? userId : fields[name]);
  return env.strategies.some((s) => {
    if (s.disabled) return false;
    if (s.name !== 'flexibleRollout' || s.segments?.length) throw new Error(`cannot evaluate ${s.name} locally`);
    for (const c of s.constraints ?? []) {
      if (c.operator !== 'IN' || c.inverted) throw new Error(`cannot evaluate ${c.operator} locally`);
      if (!c.values.includes(field(c.contextName))) return false;
    }
    const sticky = s.parameters.stickiness === 'default' ? userId : field(s.parameters.stickiness);
    const rollout = Number(s.parameters.rollout);
    return sticky !== undefined && rollout > 0 && normalizedValue(sticky, s.parameters.groupId) <= rollout;
  });
}

/** The users who get the flag, evaluated locally. */
export const servedLocally = (
  env: { enabled: boolean; strategies: any[] },
  users: string[],
  fields: Record<string, string>,
) => new Set(users.filter((u) => evaluate(env, u, fields)));

/** The users of `before` missing from `after`. */
export const lost = (before: Iterable<string>, after: Set<string>): string[] =>
  [...before].filter((u) => !after.has(u));

/** The seed's whole plan (plans/recommendations-full.yaml) with its flag on Unleash (`${UNLEASH_URL}`, `${UNLEASH_TOKEN}`). */
export const fullPlanOnUnleash = (yaml: string, flag: string): string =>
  yaml
    // the sample-ratio check is left out as in full-plan.test.ts (the walks enter phases minutes later)
    .replace(/\n {2}exposure: users\n/, '\n')
    .replace('  provider: local\n  key: recomendacoes-completo\n', `  provider: unleash\n  key: ${flag}\n`)
    .replace(
      '  flags:\n',
      '  flags:\n    unleash: { type: unleash, url: "${UNLEASH_URL}", token: "${UNLEASH_TOKEN}", environment: production }\n',
    );
