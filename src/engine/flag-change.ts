/** Moves the flag, journaled before and after, and checks the provider now serves what was asked. */
import { ProviderError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import type { AudienceSpec, FlagState } from '../providers/types.js';
import { withEffect } from './journal.js';
import type { Services } from './services.js';

export function audienceSpec(plan: Plan, name: string | undefined): AudienceSpec | undefined {
  if (!name) return undefined;
  const a = plan.audiences[name];
  if (!a) return undefined;
  return 'segment' in a ? { name, segment: a.segment } : { name, attribute: a.attribute, in: a.in };
}

/**
 * The earlier phases' audiences (before `toPhase` in the plan) that keep their earlier share, so that
 * everyone who had the new variant keeps it while the rollout moves forward. A reduce targets an
 * earlier phase: the phases after it are not kept, so only reduce and rollback take exposure away.
 */
export function keptAudiences(plan: Plan, toPhase: string): { audience?: AudienceSpec | undefined; traffic: number }[] {
  const at = plan.phases.findIndex((p) => p.name === toPhase);
  if (at <= 0) return [];
  const target = plan.phases[at]!;
  const best = new Map<string, number>();
  for (const p of plan.phases.slice(0, at)) {
    if (p.traffic <= 0 || p.audience === target.audience) continue;
    const key = p.audience ?? '';
    best.set(key, Math.max(best.get(key) ?? 0, p.traffic));
  }
  return [...best].map(([name, traffic]) => ({ audience: audienceSpec(plan, name || undefined), traffic }));
}

export interface FlagChange {
  before: FlagState;
  after: FlagState;
}

/** What a landed flag change changes in the state, saved before the journal calls the effect done. */
export type RecordFlagChange = (change: FlagChange, effect: string) => Promise<void>;

export async function setFlagTraffic(args: {
  plan: Plan;
  services: Services;
  phase: string;
  /** the phase this change enters, so a run that reconciles it after a crash knows */
  toPhase: string;
  traffic: number;
  audience: string | undefined;
  reason: string;
  /** the variant the served share gets instead of `on` (a light contingency's, kept as the rollout moves) */
  variant?: string | undefined;
  record?: RecordFlagChange;
}): Promise<FlagChange> {
  const { plan, services } = args;
  const flags = await services.providers.flags();
  const variant = args.variant;
  if (variant !== undefined && !flags.serveVariant)
    throw new ProviderError(
      services.providers.flagName,
      `the flag provider cannot serve the variant "${variant}" (it has no variants with values); nothing was changed`,
      {
        hint: 'use a flag provider with variants (file/flagd, Unleash or LaunchDarkly) for adjust-flags, or adjust the parameters by hand and hold',
      },
    );
  const before = await flags.read({ flag: plan.flag.key });
  const after = await withEffect(
    services,
    {
      action: variant !== undefined ? 'flag.serve-variant' : 'flag.set-traffic',
      phase: args.phase,
      data: {
        provider: services.providers.flagName,
        flag: plan.flag.key,
        before,
        target: { traffic: args.traffic, audience: args.audience, ...(variant !== undefined ? { variant } : {}) },
        toPhase: args.toPhase,
        reason: args.reason,
      },
    },
    async () => {
      const set = {
        flag: plan.flag.key,
        traffic: args.traffic,
        audience: audienceSpec(plan, args.audience),
        keep: keptAudiences(plan, args.toPhase),
        comment: `rollout ${plan.name}: ${args.reason}`,
        variants: plan.flag.variants,
      };
      const result =
        variant !== undefined
          ? await flags.serveVariant!({ ...set, variant, variants: plan.flag.variants ?? {} })
          : await flags.setTraffic(set);
      if (variant !== undefined && args.traffic > 0 && result.variant !== variant)
        throw new ProviderError(
          services.providers.flagName,
          `the flag reads back serving ${result.variant ?? 'on'} after serving the variant ${variant}`,
          { hint: 'someone else may be changing the flag; check it in the provider' },
        );
      if (Math.abs(result.traffic - args.traffic) > 0.001) {
        throw new ProviderError(
          services.providers.flagName,
          `the flag reads back ${result.traffic}% after setting ${args.traffic}%`,
          {
            hint: 'someone else may be changing the flag; check it in the provider',
          },
        );
      }
      return result;
    },
    (after) => ({ after }),
    args.record && ((after, effect) => args.record!({ before, after }, effect)),
  );
  return { before, after };
}

/** Turns the flag off: rollback step `step`. */
export async function disableFlag(args: {
  plan: Plan;
  services: Services;
  phase: string;
  step: number;
  reason: string;
  record?: RecordFlagChange;
}): Promise<FlagChange> {
  const { plan, services } = args;
  const flags = await services.providers.flags();
  const before = await flags.read({ flag: plan.flag.key });
  const after = await withEffect(
    services,
    {
      action: 'flag.disable',
      phase: args.phase,
      data: {
        provider: services.providers.flagName,
        flag: plan.flag.key,
        before,
        step: args.step,
        reason: args.reason,
      },
    },
    () =>
      flags.disable({
        flag: plan.flag.key,
        comment: `rollout ${plan.name}: ${args.reason}`,
        variants: plan.flag.variants,
      }),
    (after) => ({ after }),
    args.record && ((after, effect) => args.record!({ before, after }, effect)),
  );
  return { before, after };
}
