/**
 * Keep strategies: exposure only grows while a rollout moves forward. Each earlier phase's audience that
 * keeps its share gets one more `flexibleRollout` on the same flag and environment, titled
 * `rollout:<plan>:keep:<audience>` (`*` for everyone), at the kept share, with the main strategy's
 * stickiness and groupId (so the same users hash into the same buckets) and the kept audience's
 * constraints or segment. Unleash ORs strategies: whoever had the feature in an earlier phase keeps it.
 * Pure: which keep strategies should exist, and what to create, patch and delete to get there.
 */
import type { AudienceSpec } from '../../types.js';
import { patchOps, type PatchOp, type Restriction, type StrategyVariant, type UnleashStrategy } from './strategy.js';

const prefix = (plan: string): string => `rollout:${plan}:keep:`;

export const keepTitle = (plan: string, audience: AudienceSpec | undefined): string =>
  `${prefix(plan)}${audience?.name ?? '*'}`;

/** Our plan's keep strategies in an environment, in their order. */
export const keepStrategiesOf = (strategies: UnleashStrategy[], plan: string): UnleashStrategy[] =>
  strategies.filter(
    (s) => s.name === 'flexibleRollout' && typeof s.title === 'string' && s.title.startsWith(prefix(plan)),
  );

/** One keep strategy as it should be. */
export interface KeepWanted {
  title: string;
  traffic: number;
  restriction: Restriction;
  /** the audience's name, for messages */
  label: string;
}

/**
 * The keep strategies a phase needs: none when the main strategy serves everyone at 100 % (nobody can
 * lose anything), and none for a share of 0. The highest share wins when an audience is listed twice.
 */
export function wantedKeeps(args: {
  plan: string;
  traffic: number;
  audience: AudienceSpec | undefined;
  keep: { audience?: AudienceSpec | undefined; traffic: number; restriction: Restriction }[];
}): KeepWanted[] {
  if (!args.audience && args.traffic >= 100) return [];
  const byTitle = new Map<string, KeepWanted>();
  for (const k of args.keep) {
    if (!(k.traffic > 0)) continue;
    const title = keepTitle(args.plan, k.audience);
    const had = byTitle.get(title);
    if (!had || had.traffic < k.traffic)
      byTitle.set(title, {
        title,
        traffic: k.traffic,
        restriction: k.restriction,
        label: k.audience?.name ?? 'all users',
      });
  }
  return [...byTitle.values()];
}

export interface KeepChanges {
  create: KeepWanted[];
  patch: { strategy: UnleashStrategy; ops: PatchOp[] }[];
  /** keep strategies no longer wanted (a reduce), and duplicates of one title */
  remove: UnleashStrategy[];
}

/** What to create, patch and delete so that exactly `wanted` exist, with the main strategy's bucketing. */
export function keepChanges(args: {
  existing: UnleashStrategy[];
  wanted: KeepWanted[];
  stickiness: string;
  groupId: string;
  variants: StrategyVariant[];
}): KeepChanges {
  const out: KeepChanges = { create: [], patch: [], remove: [] };
  const seen = new Set<string>();
  for (const s of args.existing) {
    const want = args.wanted.find((w) => w.title === s.title);
    if (!want || seen.has(want.title)) {
      out.remove.push(s);
      continue;
    }
    seen.add(want.title);
    const ops = patchOps({
      strategy: s,
      traffic: want.traffic,
      restriction: want.restriction,
      variants: args.variants,
      stickiness: args.stickiness,
      groupId: args.groupId,
    });
    if (ops.length > 0) out.patch.push({ strategy: s, ops });
  }
  out.create = args.wanted.filter((w) => !seen.has(w.title));
  return out;
}
