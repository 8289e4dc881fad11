/**
 * Unleash flags through the Admin API. One `flexibleRollout` strategy per flag and environment carries
 * the percentage and the audience (see strategy.ts for how it is found). Writes go in an order that never
 * over-exposes: the strategy exists before the environment is turned on, because Unleash turns an empty
 * environment on at 100 %. The strategy POST is not idempotent, so it is never retried; after a failure we
 * re-read to learn whether it landed. A failure part-way undoes the earlier steps of the same call.
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient, type HttpClient } from '../../http.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext, FlagProvider, FlagState, SetTrafficArgs } from '../../types.js';
import type { UnleashSettings } from './settings.js';
import {
  desiredRestriction,
  findOurStrategy,
  flagState,
  matches,
  patchOps,
  revertOps,
  strategyTitle,
  type Restriction,
  type UnleashEnvironment,
  type UnleashStrategy,
} from './strategy.js';
import { isRecord, message, undoAll } from './undo.js';

export async function createUnleashFlags(settings: UnleashSettings, ctx: AdapterContext): Promise<FlagProvider> {
  const http: HttpClient = createHttpClient({
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
  const fail = (text: string, opts: { status?: number; hint?: string; cause?: unknown } = {}) =>
    new ProviderError(ctx.name, `Unleash: ${text}`, opts);

  /** The flag's state in our environment (the full-flag view, which unlike the environment view has segments); undefined when the flag does not exist. */
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

  async function segmentNames(strategy: UnleashStrategy | undefined): Promise<Map<number, string>> {
    if (!strategy?.segments?.length) return new Map();
    return new Map((await listSegments()).map((s) => [s.id, s.name]));
  }

  async function segmentIdByName(name: string): Promise<number> {
    const all = await listSegments();
    const found =
      all.find((s) => s.name === name) ?? (/^\d+$/.test(name) ? all.find((s) => s.id === Number(name)) : undefined);
    if (!found) {
      throw fail(`segment "${name}" does not exist`, {
        hint:
          all.length > 0
            ? `known segments: ${all.map((s) => s.name).join(', ')}`
            : 'create it in Unleash first (Segments)',
      });
    }
    return found.id;
  }

  async function stateOf(flag: string, env: UnleashEnvironment | undefined): Promise<FlagState> {
    if (!env) return { enabled: false, traffic: 0, detail: { exists: false, environment } };
    const strategy = findOurStrategy({ env, flag, plan: ctx.plan });
    return flagState({ env, strategy, segmentNames: await segmentNames(strategy) });
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

  /** POSTs our strategy once; when the answer is lost, a re-read tells whether it landed. */
  async function createStrategy(flag: string, traffic: number, restriction: Restriction): Promise<string> {
    try {
      const res = await http.request<unknown>({
        method: 'POST',
        url: `${envPath(flag)}/strategies`,
        data: {
          name: 'flexibleRollout',
          title: strategyTitle(ctx.plan),
          disabled: false,
          parameters: { rollout: String(traffic), stickiness: settings.stickiness, groupId: flag },
          constraints: restriction.constraints,
          segments: restriction.segments,
        },
        idempotent: false,
      });
      if (!isRecord(res.data) || typeof res.data.id !== 'string')
        throw fail('creating the strategy gave no strategy id');
      return res.data.id;
    } catch (e) {
      const env = await fetchEnvironment(flag).catch(() => undefined);
      const landed = env && findOurStrategy({ env, flag, plan: ctx.plan });
      if (landed) return landed.id;
      throw e;
    }
  }

  const patch = (flag: string, id: string, ops: unknown[]) =>
    http.request({ method: 'PATCH', url: `${envPath(flag)}/strategies/${encodeURIComponent(id)}`, data: ops });
  const toggle = (flag: string, on: boolean) =>
    http.request({ method: 'POST', url: `${envPath(flag)}/${on ? 'on' : 'off'}` });

  return {
    async read({ flag }) {
      return stateOf(flag, await fetchEnvironment(flag));
    },

    async setTraffic({ flag, traffic, audience, comment }: SetTrafficArgs) {
      // Unleash stores rollout "150" without complaint, so the range is ours to check
      if (!Number.isInteger(traffic) || traffic < 0 || traffic > 100) {
        throw fail(
          `refusing to set ${flag} to ${traffic} %: traffic must be a whole number from 0 to 100; nothing was sent`,
        );
      }
      const segmentId = audience && 'segment' in audience ? await segmentIdByName(audience.segment) : undefined;
      const restriction = desiredRestriction({ audience, segmentId });

      let env = await fetchEnvironment(flag);
      if (!env) {
        await createFlag(flag, comment);
        env = await fetchEnvironment(flag);
        if (!env) throw fail(`flag ${flag} could not be created in project ${project}`);
      }
      const before = findOurStrategy({ env, flag, plan: ctx.plan });
      const others = env.strategies.filter((s) => s !== before && !s.disabled);
      if (others.length > 0) {
        ctx.warn(
          `${ctx.name}: flag ${flag} has ${others.length} other active strateg${others.length === 1 ? 'y' : 'ies'} in ${environment}; Unleash ORs them with rollout's, so exposure can exceed ${traffic} %`,
        );
      }

      const undo: Array<() => Promise<unknown>> = [];
      try {
        if (before) {
          const ops = patchOps({ strategy: before, traffic, restriction });
          if (ops.length > 0) {
            await patch(flag, before.id, ops);
            undo.push(() => patch(flag, before.id, revertOps({ before, ops })));
          }
        } else {
          const id = await createStrategy(flag, traffic, restriction);
          undo.push(() =>
            http.request({ method: 'DELETE', url: `${envPath(flag)}/strategies/${encodeURIComponent(id)}` }),
          );
        }
        if (traffic > 0 && !env.enabled) {
          await toggle(flag, true);
          undo.push(() => toggle(flag, false));
        }
      } catch (e) {
        const undone = await undoAll(undo);
        const why = e instanceof Error ? e.message : String(e);
        throw fail(
          `setting ${flag} to ${traffic} % failed: ${why}; ${undone ? 'the flag was left as it was' : 'undoing the earlier steps failed too, so the flag may be half-changed: check it in Unleash'}`,
          {
            status: e instanceof ProviderError ? e.status : undefined,
            cause: e,
          },
        );
      }

      const afterEnv = await fetchEnvironment(flag);
      const ours = afterEnv && findOurStrategy({ env: afterEnv, flag, plan: ctx.plan });
      if (
        !afterEnv ||
        !ours ||
        !matches({ strategy: ours, traffic, restriction }) ||
        (traffic > 0 && !afterEnv.enabled)
      ) {
        throw fail(
          `Unleash accepted the change to ${flag} but reading it back does not show ${traffic} % ${audience ? `for ${audience.name}` : 'for everyone'}`,
        );
      }
      return stateOf(flag, afterEnv);
    },

    async disable({ flag }) {
      const env = await fetchEnvironment(flag);
      if (!env) {
        ctx.warn(`${ctx.name}: flag ${flag} does not exist in project ${project}; nothing to turn off`);
        return stateOf(flag, env);
      }
      // off keeps the strategies, so turning the environment on again restores the previous rollout
      if (env.enabled) await toggle(flag, false);
      const after = await fetchEnvironment(flag);
      if (after?.enabled) throw fail(`turned ${flag} off in ${environment} but it still reads as on`);
      return stateOf(flag, after);
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createUnleashFlags as create };
