/**
 * LaunchDarkly flags through REST API v2: read the flag in one environment, change it with one
 * semantic patch (all-or-nothing on LaunchDarkly's side), then read it back to confirm.
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient, type HttpClient } from '../../http.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext, AudienceSpec, FlagProvider, FlagState, SetTrafficArgs } from '../../types.js';
import {
  API_VERSION,
  SEMANTIC_PATCH,
  ldFlagSchema,
  type LdEnvironment,
  type LdFlag,
  type LdInstruction,
} from './api.js';
import { findOwnedRule, flagState, pickVariations, weightFor, type Variations } from './mapping.js';
import { planInstructions, UnexpressibleKeep } from './rules.js';
import { missingVariations, servedVariations, VariantConflict } from './variations.js';
import type { LaunchDarklySettings } from './settings.js';

const PROVIDER = 'LaunchDarkly';

interface Loaded {
  flag: LdFlag;
  env: LdEnvironment;
  variations: Variations;
}

export async function createLaunchDarklyFlags(
  settings: LaunchDarklySettings,
  ctx: AdapterContext,
): Promise<FlagProvider> {
  const http: HttpClient = createHttpClient({
    provider: PROVIDER,
    baseURL: settings.url,
    headers: { Authorization: settings.token, 'LD-API-Version': API_VERSION },
    credential: { setting: 'token', env: ctx.envOf('token') },
    resetHeader: { name: 'X-Ratelimit-Reset', unit: 'epoch-ms' },
    // optimistic_locking_error: a concurrent write; a semantic patch states intent, so re-sending is safe
    retryStatuses: [409],
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });
  const { project, environment, contextKind, bucketBy } = settings;
  const flagPath = (flag: string): string => `/api/v2/flags/${encodeURIComponent(project)}/${encodeURIComponent(flag)}`;

  async function load(flag: string): Promise<Loaded> {
    const res = await http.request({
      method: 'GET',
      url: flagPath(flag),
      params: { env: environment },
      acceptStatuses: [404],
    });
    if (res.status === 404) {
      throw new ProviderError(PROVIDER, `LaunchDarkly has no flag "${flag}" in project "${project}" (404)`, {
        status: 404,
        hint: 'check flag.key in the plan and the project in the provider settings',
      });
    }
    const parsed = ldFlagSchema.safeParse(res.data);
    if (!parsed.success) {
      throw new ProviderError(
        PROVIDER,
        `LaunchDarkly returned a malformed flag for "${flag}" (expected variations and environments)`,
      );
    }
    const env = parsed.data.environments[environment];
    if (!env) {
      throw new ProviderError(PROVIDER, `LaunchDarkly flag "${flag}" has no environment "${environment}"`, {
        hint: 'check the environment key in the provider settings',
      });
    }
    const variations = pickVariations(parsed.data, env);
    if (!variations) {
      throw new ProviderError(
        PROVIDER,
        `LaunchDarkly flag "${flag}" needs two variations (one to roll out, one to serve when off)`,
      );
    }
    return { flag: parsed.data, env, variations };
  }

  async function patch(flag: string, comment: string, instructions: LdInstruction[]): Promise<void> {
    const res = await http.request({
      method: 'PATCH',
      url: flagPath(flag),
      headers: { 'Content-Type': SEMANTIC_PATCH },
      data: { environmentKey: environment, comment, instructions },
      acceptStatuses: [405],
    });
    if (res.status === 405) {
      throw new ProviderError(
        PROVIDER,
        `LaunchDarkly requires an approval to change flag "${flag}" in "${environment}" (405); nothing was changed`,
        {
          status: 405,
          hint: 'approve the change in LaunchDarkly, or drive an environment without required approvals',
        },
      );
    }
  }

  const stateOf = (l: Loaded, audience?: AudienceSpec): FlagState =>
    flagState({ ...l, plan: ctx.plan, ...(audience ? { audience } : {}), contextKind });

  function validate(args: SetTrafficArgs): void {
    for (const s of [args, ...(args.keep ?? [])]) {
      if (weightFor(s.traffic) === undefined) {
        const kept = s === args ? '' : ` (kept for ${s.audience?.name ?? 'all users'})`;
        throw new ProviderError(
          PROVIDER,
          `traffic must be a percentage from 0 to 100 in steps of 0.001 (got ${s.traffic}${kept}); nothing was sent`,
        );
      }
      const a = s.audience;
      if (a && ('segment' in a ? a.segment.trim() === '' : a.attribute.trim() === '' || a.in.length === 0)) {
        throw new ProviderError(
          PROVIDER,
          `audience "${a.name}" is empty; give it a segment or an attribute with values`,
        );
      }
    }
  }

  function instructionsFor(l: Loaded, args: SetTrafficArgs): LdInstruction[] {
    try {
      const { traffic, audience, keep } = args;
      return planInstructions({ ...l, traffic, audience, keep, plan: ctx.plan, contextKind, bucketBy });
    } catch (e) {
      if (!(e instanceof UnexpressibleKeep)) throw e;
      throw new ProviderError(PROVIDER, `cannot serve ${e.message}; nothing was sent`, {
        hint: 'give the later phase a share of its audience at least as large as the earlier all-users share',
      });
    }
  }

  /** Moves the flag to the phase; `served` names the variation the share gets (a variant) instead of `on`. */
  async function apply(args: SetTrafficArgs, served?: Variations): Promise<FlagState> {
    validate(args);
    const serving = (l: Loaded): Loaded => (served ? { ...l, variations: served } : l);
    const before = await load(args.flag);
    const instructions = instructionsFor(serving(before), args);
    if (instructions.length === 0) return stateOf(before, args.audience);
    await patch(args.flag, args.comment, instructions);
    const after = await load(args.flag);
    const state = stateOf(after, args.audience);
    const ruleFound = !args.audience || findOwnedRule(after.env, ctx.plan, args.audience, contextKind) !== undefined;
    // planning again against what reads back finds nothing left to do when every rule landed as asked
    const landed = instructionsFor(serving(after), args).length === 0;
    if (!after.env.on || Math.abs(state.traffic - args.traffic) > 1e-9 || !ruleFound || !landed) {
      const where = args.audience ? ` of audience "${args.audience.name}"` : '';
      const kept = args.keep?.length
        ? `, keeping ${args.keep.map((k) => `${k.traffic} % of ${k.audience?.name ?? 'all users'}`).join(', ')}`
        : '';
      throw new ProviderError(
        PROVIDER,
        `LaunchDarkly accepted the change to flag "${args.flag}" but it reads back ${after.env.on ? `${state.traffic} %` : 'off'}${ruleFound ? '' : ' without the audience rule'} instead of ${args.traffic} %${where}${landed ? '' : kept}`,
        {
          hint: 'someone may have changed the flag at the same time, or an approval workflow holds the change; check its history in LaunchDarkly',
        },
      );
    }
    return state;
  }

  return {
    async read({ flag }) {
      return stateOf(await load(flag));
    },

    setTraffic: (args) => apply(args),

    async serveVariant(args) {
      validate(args);
      if (!(args.variant in args.variants))
        throw new ProviderError(
          PROVIDER,
          `the plan gives no value for the variant "${args.variant}"; nothing was sent`,
        );
      if (args.variant === 'on') return apply(args);
      let loaded = await load(args.flag);
      let add: LdInstruction[];
      try {
        add = missingVariations(loaded.flag, args.variants, args.variant);
      } catch (e) {
        if (!(e instanceof VariantConflict)) throw e;
        throw new ProviderError(
          PROVIDER,
          `cannot serve the variant "${args.variant}": ${e.message}; nothing was sent`,
          {
            hint: 'use a multivariate (JSON) flag whose variation names and values match flag.variants in the plan',
          },
        );
      }
      if (add.length > 0) {
        // a flag-level change that serves nobody yet: the next patch points rollout's rules at it
        await patch(args.flag, `${args.comment} (variations of the plan)`, add);
        loaded = await load(args.flag);
      }
      const served = servedVariations(loaded.flag, loaded.variations, args.variant);
      if (!served)
        throw new ProviderError(
          PROVIDER,
          `LaunchDarkly flag "${args.flag}" has no variation named "${args.variant}" to serve (or it is the off variation)`,
        );
      const now = stateOf(loaded, args.audience);
      if (served.on > served.off && now.traffic > 0 && now.variant !== args.variant && args.traffic < 100) {
        // LaunchDarkly fills a rollout's bucket range in variation order (0 to 100 000, variation by variation)
        ctx.warn(
          `${ctx.name}: variation "${args.variant}" of flag "${args.flag}" comes after the off variation, and LaunchDarkly assigns a rollout's buckets in variation order: the ${args.traffic} % served "${args.variant}" are the top of the bucket range, not the users who had "on"; put it before the off variation to adjust the same users`,
        );
      }
      return apply(args, served);
    },

    async disable({ flag, comment }) {
      const before = await load(flag);
      if (!before.env.on) return stateOf(before);
      await patch(flag, comment, [{ kind: 'turnFlagOff' }]);
      const after = await load(flag);
      if (after.env.on) {
        throw new ProviderError(PROVIDER, `LaunchDarkly accepted turning flag "${flag}" off but it still reads as on`, {
          hint: 'turn it off in the LaunchDarkly UI now; an approval workflow may hold the change',
        });
      }
      return stateOf(after);
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createLaunchDarklyFlags as create };
