/**
 * The Unleash Admin API calls the adapter makes, for one project and environment: read a flag's
 * environment (the full-flag view, which unlike the environment view has segments), segments, create
 * the flag, create, patch and delete strategies, turn the environment on and off.
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext } from '../../types.js';
import type { UnleashSettings } from './settings.js';
import type { PatchOp, UnleashEnvironment, UnleashStrategy } from './strategy.js';
import { isRecord, message } from './undo.js';

export type UnleashApi = ReturnType<typeof createUnleashApi>;

export function createUnleashApi(settings: UnleashSettings, ctx: AdapterContext) {
  const http = createHttpClient({
    provider: 'Unleash',
    baseURL: settings.url,
    // the Admin API takes the raw token, without "Bearer"
    headers: { Authorization: settings.token },
    credential: { setting: 'token', env: ctx.envOf('token') },
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });
  const { project, environment } = settings;
  const features = `/api/admin/projects/${encodeURIComponent(project)}/features`;
  const envPath = (flag: string) =>
    `${features}/${encodeURIComponent(flag)}/environments/${encodeURIComponent(environment)}`;
  const strategyPath = (flag: string, id: string) => `${envPath(flag)}/strategies/${encodeURIComponent(id)}`;
  const fail = (text: string, opts: { status?: number; hint?: string; cause?: unknown } = {}) =>
    new ProviderError(ctx.name, `Unleash: ${text}`, opts);

  /** The flag's state in our environment; undefined when the flag does not exist. */
  async function fetchEnvironment(flag: string): Promise<UnleashEnvironment | undefined> {
    const res = await http.request<unknown>({
      method: 'GET',
      url: `${features}/${encodeURIComponent(flag)}`,
      acceptStatuses: [404],
    });
    if (res.status === 404) {
      const text = message(res.data);
      // flag names are unique across projects: creating it here would fail, so say where it is
      if (/in project/.test(text) && /but there's a feature/.test(text))
        throw fail(text, { status: 404, hint: 'set the provider `project` setting' });
      return undefined;
    }
    if (!isRecord(res.data) || !Array.isArray(res.data.environments))
      throw fail(`unexpected answer for flag ${flag}`, { status: res.status });
    const env = (res.data.environments as unknown[]).find(
      (e): e is UnleashEnvironment => isRecord(e) && e.name === environment,
    );
    if (!env) {
      const known = (res.data.environments as unknown[]).map((e) => (isRecord(e) ? String(e.name) : '?'));
      throw fail(
        `flag ${flag} has no environment "${environment}" in project ${project} (known: ${known.join(', ')})`,
        {
          hint: 'set the provider `environment` setting to one of those, or enable the environment for the project',
        },
      );
    }
    if (!Array.isArray(env.strategies)) throw fail(`unexpected answer for flag ${flag}: no strategies list`);
    return env;
  }

  async function listSegments(): Promise<Array<{ id: number; name: string }>> {
    const res = await http.request<unknown>({ method: 'GET', url: '/api/admin/segments' });
    if (!isRecord(res.data) || !Array.isArray(res.data.segments)) throw fail('unexpected answer listing segments');
    return (res.data.segments as unknown[]).filter(isRecord).map((s) => ({ id: Number(s.id), name: String(s.name) }));
  }

  async function createFlag(flag: string, comment: string): Promise<void> {
    try {
      await http.request({
        method: 'POST',
        url: features,
        data: {
          name: flag,
          type: 'release',
          description: `managed by rollout (plan ${ctx.plan}): ${comment}`,
          impressionData: false,
        },
        idempotent: false,
      });
    } catch (e) {
      if ((await fetchEnvironment(flag)) === undefined) throw e;
    }
  }

  /**
   * POSTs a strategy once (each POST creates another, so it is never retried); when the answer is lost,
   * `landed` looks for it in a re-read.
   */
  async function createStrategy(
    flag: string,
    body: Record<string, unknown>,
    landed: (env: UnleashEnvironment) => UnleashStrategy | undefined,
  ): Promise<string> {
    try {
      const res = await http.request<unknown>({
        method: 'POST',
        url: `${envPath(flag)}/strategies`,
        data: body,
        idempotent: false,
      });
      if (!isRecord(res.data) || typeof res.data.id !== 'string')
        throw fail('creating the strategy gave no strategy id');
      return res.data.id;
    } catch (e) {
      const env = await fetchEnvironment(flag).catch(() => undefined);
      const found = env && landed(env);
      if (found) return found.id;
      throw e;
    }
  }

  return {
    project,
    environment,
    fail,
    fetchEnvironment,
    listSegments,
    createFlag,
    createStrategy,
    patch: (flag: string, id: string, ops: PatchOp[]) =>
      http.request({ method: 'PATCH', url: strategyPath(flag, id), data: ops }),
    remove: (flag: string, id: string) => http.request({ method: 'DELETE', url: strategyPath(flag, id) }),
    toggle: (flag: string, on: boolean) =>
      http.request({ method: 'POST', url: `${envPath(flag)}/${on ? 'on' : 'off'}` }),
  };
}
