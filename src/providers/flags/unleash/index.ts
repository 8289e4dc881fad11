/**
 * Unleash flags through the Admin API. One `flexibleRollout` strategy per flag and environment carries
 * the percentage and the audience (see strategy.ts for how it is found), and one keep strategy per earlier
 * audience kept at its share (keep-strategies.ts). Writes go in an order that never over-exposes or drops
 * anyone: the strategies exist before the environment is turned on (Unleash turns an empty environment on
 * at 100 %), and kept audiences are in place before the main strategy leaves them. A strategy POST is not
 * idempotent, so it is never retried; after a failure we re-read to learn whether it landed. A failure
 * part-way undoes the earlier steps of the same call.
 */
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, AudienceSpec, FlagProvider, FlagState, SetTrafficArgs } from '../../types.js';
import { createUnleashApi } from './api.js';
import { keepChanges, keepStrategiesOf, wantedKeeps } from './keep-strategies.js';
import type { UnleashSettings } from './settings.js';
import {
  desiredRestriction,
  findOurStrategy,
  flagState,
  matches,
  patchOps,
  revertOps,
  strategyTitle,
  strategyVariants,
  type Restriction,
  type StrategyVariant,
  type UnleashEnvironment,
  type UnleashStrategy,
} from './strategy.js';
import { undoAll } from './undo.js';

export async function createUnleashFlags(settings: UnleashSettings, ctx: AdapterContext): Promise<FlagProvider> {
  const api = createUnleashApi(settings, ctx);
  const { fail, environment, project } = api;

  async function segmentNames(strategies: UnleashStrategy[]): Promise<Map<number, string>> {
    if (!strategies.some((s) => s.segments?.length)) return new Map();
    return new Map((await api.listSegments()).map((s) => [s.id, s.name]));
  }

  function segmentId(all: Array<{ id: number; name: string }>, name: string): number {
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
    const keeps = keepStrategiesOf(env.strategies, ctx.plan);
    const named = await segmentNames([...(strategy ? [strategy] : []), ...keeps]);
    return flagState({ env, strategy, keeps, segmentNames: named, plan: ctx.plan });
  }

  /** The full body of a strategy, for a POST (Unleash's PUT erases what it is not sent, so never a PUT). */
  const body = (s: {
    title: string;
    traffic: number;
    restriction: Restriction;
    stickiness: string;
    groupId: string;
    variants: StrategyVariant[];
  }) => ({
    name: 'flexibleRollout',
    title: s.title,
    disabled: false,
    parameters: { rollout: String(s.traffic), stickiness: s.stickiness, groupId: s.groupId },
    constraints: s.restriction.constraints,
    segments: s.restriction.segments,
    variants: s.variants,
  });

  const checkShare = (flag: string, traffic: number, what = '') => {
    // Unleash stores rollout "150" without complaint, so the range is ours to check
    if (!Number.isInteger(traffic) || traffic < 0 || traffic > 100)
      throw fail(
        `refusing to set ${flag} to ${traffic} %${what}: traffic must be a whole number from 0 to 100; nothing was sent`,
      );
  };

  async function apply(args: SetTrafficArgs & { variant?: string | undefined }): Promise<FlagState> {
    const { flag, traffic, audience, comment } = args;
    checkShare(flag, traffic);
    for (const k of args.keep ?? []) checkShare(flag, k.traffic, ` (kept for ${k.audience?.name ?? 'all users'})`);
    const specs = [audience, ...(args.keep ?? []).map((k) => k.audience)];
    const segments = specs.some((a) => a && 'segment' in a) ? await api.listSegments() : [];
    const restrictionOf = (a: AudienceSpec | undefined): Restriction =>
      desiredRestriction({ audience: a, segmentId: a && 'segment' in a ? segmentId(segments, a.segment) : undefined });
    const restriction = restrictionOf(audience);
    const keep = (args.keep ?? []).map((k) => ({ ...k, restriction: restrictionOf(k.audience) }));

    let env = await api.fetchEnvironment(flag);
    if (!env) {
      await api.createFlag(flag, comment);
      env = await api.fetchEnvironment(flag);
      if (!env) throw fail(`flag ${flag} could not be created in project ${project}`);
    }
    const before = findOurStrategy({ env, flag, plan: ctx.plan });
    // keep strategies bucket users like the main one, so the same users are kept
    const stickiness = before?.parameters?.stickiness ?? settings.stickiness;
    const groupId = before?.parameters?.groupId ?? flag;
    const variants = strategyVariants({ variant: args.variant, values: args.variants, stickiness });
    const wanted = wantedKeeps({ plan: ctx.plan, traffic, audience, keep });
    const title = strategyTitle(ctx.plan, audience);
    const existingKeeps = keepStrategiesOf(env.strategies, ctx.plan);
    const keeps = keepChanges({ existing: existingKeeps, wanted, stickiness, groupId, variants });
    const others = env.strategies.filter((s) => s !== before && !existingKeeps.includes(s) && !s.disabled);
    if (others.length > 0) {
      ctx.warn(
        `${ctx.name}: flag ${flag} has ${others.length} other active strateg${others.length === 1 ? 'y' : 'ies'} in ${environment}; Unleash ORs them with rollout's, so exposure can exceed ${traffic} %`,
      );
    }

    const undo: Array<() => Promise<unknown>> = [];
    const patchUndoably = async (s: UnleashStrategy, ops: ReturnType<typeof patchOps>) => {
      if (ops.length === 0) return;
      await api.patch(flag, s.id, ops);
      undo.push(() => api.patch(flag, s.id, revertOps({ before: s, ops })));
    };
    const byTitle = (title: string) => (e: UnleashEnvironment) => e.strategies.find((s) => s.title === title);
    try {
      // kept audiences first: when the main strategy leaves an audience, its users are already kept
      for (const k of keeps.create) {
        const id = await api.createStrategy(flag, body({ ...k, stickiness, groupId, variants }), byTitle(k.title));
        undo.push(() => api.remove(flag, id));
      }
      for (const p of keeps.patch) await patchUndoably(p.strategy, p.ops);
      if (before) {
        await patchUndoably(before, patchOps({ strategy: before, traffic, restriction, variants, title }));
      } else {
        const data = body({ title, traffic, restriction, stickiness, groupId, variants });
        const id = await api.createStrategy(flag, data, (e) => findOurStrategy({ env: e, flag, plan: ctx.plan }));
        undo.push(() => api.remove(flag, id));
      }
      // only a reduce removes kept audiences, once the main strategy is where it goes
      for (const s of keeps.remove) {
        await api.remove(flag, s.id);
        undo.push(() => api.createStrategy(flag, { ...s, id: undefined }, () => undefined));
      }
      if (traffic > 0 && !env.enabled) {
        await api.toggle(flag, true);
        undo.push(() => api.toggle(flag, false));
      }
    } catch (e) {
      const undone = await undoAll(undo);
      const why = e instanceof Error ? e.message : String(e);
      throw fail(
        `setting ${flag} to ${traffic} % failed: ${why}; ${undone ? 'the flag was left as it was' : 'undoing the earlier steps failed too, so the flag may be half-changed: check it in Unleash'}`,
        { status: e instanceof ProviderError ? e.status : undefined, cause: e },
      );
    }

    const afterEnv = await api.fetchEnvironment(flag);
    const ours = afterEnv && findOurStrategy({ env: afterEnv, flag, plan: ctx.plan });
    const keptAfter = afterEnv ? keepStrategiesOf(afterEnv.strategies, ctx.plan) : [];
    const keptOk =
      keptAfter.length === wanted.length &&
      wanted.every((w) => {
        const s = keptAfter.find((k) => k.title === w.title);
        return s && matches({ strategy: s, ...w, variants, stickiness, groupId });
      });
    if (
      !afterEnv ||
      !ours ||
      !matches({ strategy: ours, traffic, restriction, variants, title }) ||
      !keptOk ||
      (traffic > 0 && !afterEnv.enabled)
    ) {
      throw fail(
        `Unleash accepted the change to ${flag} but reading it back does not show ${traffic} % ${audience ? `for ${audience.name}` : 'for everyone'}${wanted.length > 0 ? ` with ${wanted.map((w) => `${w.traffic} % of ${w.label}`).join(', ')} kept` : ''}${args.variant ? ` serving ${args.variant}` : ''}`,
      );
    }
    return stateOf(flag, afterEnv);
  }

  return {
    async read({ flag }) {
      return stateOf(flag, await api.fetchEnvironment(flag));
    },

    setTraffic: (args) => apply({ ...args, variant: undefined }),

    async serveVariant(args) {
      if (!(args.variant in args.variants))
        throw fail(`the plan gives no value for the variant ${args.variant}; nothing was sent`);
      return apply(args);
    },

    async disable({ flag }) {
      const env = await api.fetchEnvironment(flag);
      if (!env) {
        ctx.warn(`${ctx.name}: flag ${flag} does not exist in project ${project}; nothing to turn off`);
        return stateOf(flag, env);
      }
      // off keeps the strategies, so turning the environment on again restores the previous rollout
      if (env.enabled) await api.toggle(flag, false);
      const after = await api.fetchEnvironment(flag);
      if (after?.enabled) throw fail(`turned ${flag} off in ${environment} but it still reads as on`);
      return stateOf(flag, after);
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createUnleashFlags as create };
