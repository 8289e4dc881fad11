/**
 * The FlagState an Unleash environment means for rollout: what our strategy serves (its rollout, its
 * audience, its variant), the keep strategies beside it, and any strategy rollout does not manage.
 */
import type { FlagState } from '../../types.js';
import { audienceInTitle, type UnleashEnvironment, type UnleashStrategy } from './strategy.js';

export function describeAudience(args: {
  strategy: UnleashStrategy;
  segmentNames: Map<number, string>;
}): string | undefined {
  const parts = [
    ...(args.strategy.segments ?? []).map((id) => args.segmentNames.get(id) ?? `segment #${id}`),
    ...(args.strategy.constraints ?? []).map(
      (c) =>
        `${c.inverted ? 'not ' : ''}${c.contextName} ${c.operator} [${(c.values ?? (c.value === undefined ? [] : [c.value])).join(', ')}]`,
    ),
  ];
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** The variant a strategy serves instead of plain `on` (names joined by `+` when several); undefined when none. */
export const servedVariant = (s: UnleashStrategy): string | undefined =>
  (s.variants ?? []).map((v) => v.name).join('+') || undefined;

const rolloutOf = (s: UnleashStrategy): number => Number(s.parameters?.rollout ?? 0);

/**
 * What the flag serves. With our strategy: its rollout, when the environment is on. Without it, an enabled
 * environment serves through strategies rollout does not manage; we report the most they can expose
 * (100 for anything but a flexibleRollout), so an unknown exposure is never read as none. Keep strategies
 * (earlier phases' audiences kept at their shares) are listed in `detail.kept`; the traffic is the main
 * strategy's, and the flag is enabled while any of them serves.
 */
export function flagState(args: {
  env: UnleashEnvironment;
  strategy: UnleashStrategy | undefined;
  segmentNames: Map<number, string>;
  /** our keep strategies (keep-strategies.ts) */
  keeps?: UnleashStrategy[] | undefined;
  /** the plan, whose name our strategy's title carries with the audience's */
  plan?: string | undefined;
}): FlagState {
  const { env, strategy } = args;
  // without our main strategy, keep strategies are only strategies that serve: counted as unmanaged
  const keeps = strategy ? (args.keeps ?? []) : [];
  const foreign = env.strategies.filter((s) => s !== strategy && !keeps.includes(s) && !s.disabled);
  const rollout = strategy ? rolloutOf(strategy) : undefined;
  const detail: Record<string, unknown> = {
    environment: env.name,
    environmentEnabled: env.enabled,
    strategyId: strategy?.id,
    rollout,
    ...(strategy && describeAudience({ strategy, segmentNames: args.segmentNames })
      ? { restriction: describeAudience({ strategy, segmentNames: args.segmentNames }) }
      : {}),
    ...(keeps.length > 0
      ? {
          kept: keeps.map((s) => ({
            id: s.id,
            title: s.title ?? undefined,
            rollout: rolloutOf(s),
            audience: describeAudience({ strategy: s, segmentNames: args.segmentNames }),
            ...(servedVariant(s) ? { variant: servedVariant(s) } : {}),
          })),
        }
      : {}),
    ...(foreign.length > 0
      ? { unmanagedStrategies: foreign.map((s) => ({ id: s.id, name: s.name, title: s.title ?? undefined })) }
      : {}),
  };
  if (strategy) {
    const live = env.enabled && !strategy.disabled && (rollout ?? 0) > 0;
    const keptLive = env.enabled && keeps.some((s) => !s.disabled && rolloutOf(s) > 0);
    const state: FlagState = {
      enabled: live || keptLive,
      traffic: live ? (rollout ?? 0) : 0,
      // the plan's name for it where our title carries one, else what the strategy restricts to
      audience:
        (args.plan !== undefined ? audienceInTitle(strategy, args.plan) : undefined) ??
        describeAudience({ strategy, segmentNames: args.segmentNames }),
      detail,
    };
    const variant = servedVariant(strategy);
    if (live && variant) state.variant = variant;
    return state;
  }
  if (!env.enabled) return { enabled: false, traffic: 0, detail };
  // Unleash serves an enabled environment without strategies to everyone
  if (env.strategies.length === 0) return { enabled: true, traffic: 100, detail };
  const most = foreign.reduce(
    (m, s) => Math.max(m, s.name === 'flexibleRollout' ? Number(s.parameters?.rollout ?? 100) : 100),
    0,
  );
  return { enabled: most > 0, traffic: most, detail };
}
