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

export interface FlagChange {
  before: FlagState;
  after: FlagState;
}

export async function setFlagTraffic(args: {
  plan: Plan;
  services: Services;
  phase: string;
  traffic: number;
  audience: string | undefined;
  reason: string;
}): Promise<FlagChange> {
  const { plan, services } = args;
  const flags = await services.providers.flags();
  const before = await flags.read({ flag: plan.flag.key });
  const after = await withEffect(
    services,
    {
      action: 'flag.set-traffic',
      phase: args.phase,
      data: { provider: services.providers.flagName, flag: plan.flag.key, before, target: { traffic: args.traffic, audience: args.audience }, reason: args.reason },
    },
    async () => {
      const result = await flags.setTraffic({
        flag: plan.flag.key,
        traffic: args.traffic,
        audience: audienceSpec(plan, args.audience),
        comment: `rollout ${plan.name}: ${args.reason}`,
      });
      if (!services.dryRun && Math.abs(result.traffic - args.traffic) > 0.001) {
        throw new ProviderError(services.providers.flagName, `the flag reads back ${result.traffic}% after setting ${args.traffic}%`, {
          hint: 'someone else may be changing the flag; check it in the provider',
        });
      }
      return result;
    },
    (after) => ({ after }),
  );
  return { before, after };
}

export async function disableFlag(args: { plan: Plan; services: Services; phase: string; reason: string }): Promise<FlagChange> {
  const { plan, services } = args;
  const flags = await services.providers.flags();
  const before = await flags.read({ flag: plan.flag.key });
  const after = await withEffect(
    services,
    { action: 'flag.disable', phase: args.phase, data: { provider: services.providers.flagName, flag: plan.flag.key, before, reason: args.reason } },
    () => flags.disable({ flag: plan.flag.key, comment: `rollout ${plan.name}: ${args.reason}` }),
    (after) => ({ after }),
  );
  return { before, after };
}
