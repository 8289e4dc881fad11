/**
 * The semantic-patch instructions that make a flag serve a phase: the main audience's share and every
 * kept audience (an earlier phase's, at its earlier share), so that exposure only grows. Pure.
 *
 * Why one rule per audience, ordered by share DESCENDING, keeps everyone: LaunchDarkly serves the FIRST
 * rule a context matches, and every rule rollout writes (and the fallthrough) is a rollout with the same
 * bucketing: the flag's key and salt, the same `bucketBy` and context kind, no per-rule seed. So a
 * context's bucket value is the same in every rule. A user in two audiences meets the larger share
 * first, and a bucket that was inside the smaller share (bucket < 5 %) is inside the larger (< 25 %).
 * A rule for a smaller share placed first would instead serve `off` to buckets between the two shares.
 * All users (no audience) is the fallthrough, which comes after every rule: an audience whose share is
 * not above it needs no rule (the fallthrough already serves those buckets), and a main audience below
 * a kept all-users share cannot be expressed (refused, nothing sent).
 */
import type { AudienceSpec } from '../../types.js';
import { WEIGHT_TOTAL, type LdEnvironment, type LdFlag, type LdInstruction, type LdRule, type LdServe } from './api.js';
import {
  audienceClauses,
  findOwnedRule,
  isOwned,
  keepDescription,
  ruleDescription,
  sameClause,
  trafficOf,
  type Variations,
} from './mapping.js';

export interface Share {
  audience?: AudienceSpec | undefined;
  traffic: number;
}

export interface WantedRule {
  audience: AudienceSpec;
  weight: number;
  description: string;
  main: boolean;
}

export interface Wanted {
  /** in the order LaunchDarkly must evaluate them */
  rules: WantedRule[];
  /** the fallthrough's share of `on` (all users), or undefined when it serves the off variation */
  fallthrough: number | undefined;
}

export class UnexpressibleKeep extends Error {}

const weightOf = (traffic: number): number => Math.round(traffic * 1000);

/** The rules (main and kept) and the fallthrough a phase needs, in evaluation order. */
export function wantedRules(args: {
  plan: string;
  traffic: number;
  audience?: AudienceSpec | undefined;
  keep?: Share[] | undefined;
}): Wanted {
  const { plan, audience } = args;
  const keep = (args.keep ?? []).filter((k) => k.traffic > 0);
  const keptAll = Math.max(0, ...keep.filter((k) => !k.audience).map((k) => k.traffic));
  const floor = audience ? keptAll : args.traffic;
  if (audience && args.traffic < keptAll) {
    throw new UnexpressibleKeep(
      `${args.traffic} % of ${audience.name} while keeping ${keptAll} % of all users: LaunchDarkly serves the first matching rule, so ${audience.name}'s rule would take the kept users away`,
    );
  }
  const byName = new Map<string, WantedRule>();
  for (const k of keep) {
    if (!k.audience || k.audience.name === audience?.name || k.traffic <= floor) continue;
    const had = byName.get(k.audience.name);
    if (!had || had.weight < weightOf(k.traffic))
      byName.set(k.audience.name, {
        audience: k.audience,
        weight: weightOf(k.traffic),
        description: keepDescription(plan, k.audience),
        main: false,
      });
  }
  const rules = [
    ...(audience
      ? [{ audience, weight: weightOf(args.traffic), description: ruleDescription(plan, audience), main: true }]
      : []),
    ...byName.values(),
  ];
  // descending share; the main rule first among equals (a stable sort keeps it there)
  rules.sort((a, b) => b.weight - a.weight);
  return { rules, fallthrough: audience ? (keptAll > 0 ? keptAll : undefined) : args.traffic };
}

export function rolloutServe(args: {
  flag: LdFlag;
  variations: Variations;
  weight: number;
  contextKind: string;
  bucketBy?: string | undefined;
}): LdServe {
  const { flag, variations, weight } = args;
  return {
    rolloutWeights: {
      [flag.variations[variations.on]!._id]: weight,
      [flag.variations[variations.off]!._id]: WEIGHT_TOTAL - weight,
    },
    rolloutContextKind: args.contextKind,
    ...(args.bucketBy ? { rolloutBucketBy: args.bucketBy } : {}),
  };
}

/** True when a rule or fallthrough is already a rollout giving `on` exactly `weight`, bucketed the way we would. */
function servesRollout(
  vor: LdEnvironment['fallthrough'] | LdRule,
  v: Variations,
  weight: number,
  bucketBy: string | undefined,
  contextKind: string,
): boolean {
  if (!vor?.rollout || typeof vor.variation === 'number') return false;
  if ((vor.rollout.bucketBy ?? 'key') !== (bucketBy ?? 'key')) return false;
  if ((vor.rollout.contextKind ?? 'user') !== contextKind || vor.rollout.seed != null) return false;
  return (
    Math.round(trafficOf(vor, v.on) * 1000) === weight &&
    Math.round(trafficOf(vor, v.off) * 1000) === WEIGHT_TOTAL - weight
  );
}

/**
 * The instructions that make the flag serve the phase, or none when it already does. Rules rollout
 * manages (`rollout:<plan>…`, or the adopted rule whose only clause is the audience's) are updated in
 * place when the same audiences come in the same order, else rebuilt where they stood; other rules are
 * never touched. Outside the audiences, the fallthrough serves off (or a kept all-users share).
 */
export function planInstructions(args: {
  flag: LdFlag;
  env: LdEnvironment;
  variations: Variations;
  plan: string;
  traffic: number;
  audience?: AudienceSpec | undefined;
  keep?: Share[] | undefined;
  contextKind: string;
  bucketBy?: string | undefined;
}): LdInstruction[] {
  const { flag, env, variations, plan, contextKind, bucketBy } = args;
  const wanted = wantedRules(args);
  const serve = (weight: number) => rolloutServe({ flag, variations, weight, contextKind, bucketBy });
  const adopted = findOwnedRule(env, plan, args.audience, contextKind);
  const existing = env.rules.filter((r) => isOwned(r, plan) || r === adopted);
  const changes: LdInstruction[] = [];

  const clausesOf = (w: WantedRule) => audienceClauses(w.audience, contextKind);
  const inPlace =
    existing.length === wanted.rules.length &&
    existing.every((r, i) => r.clauses.length === 1 && sameClause(r.clauses[0]!, clausesOf(wanted.rules[i]!)[0]!));
  if (inPlace) {
    existing.forEach((r, i) => {
      const w = wanted.rules[i]!;
      if (!servesRollout(r, variations, w.weight, bucketBy, contextKind))
        changes.push({ kind: 'updateRuleVariationOrRollout', ruleId: r._id, ...serve(w.weight) });
      if (r.description !== w.description)
        changes.push({ kind: 'updateRuleDescription', ruleId: r._id, description: w.description });
    });
  } else {
    // rebuilt where the first of ours stood: before the next rule that is not ours (else at the end)
    const first = existing[0] ? env.rules.indexOf(existing[0]) : -1;
    const anchor = first >= 0 ? env.rules.slice(first).find((r) => !existing.includes(r)) : undefined;
    for (const r of existing) changes.push({ kind: 'removeRule', ruleId: r._id });
    for (const w of wanted.rules)
      changes.push({
        kind: 'addRule',
        clauses: clausesOf(w),
        description: w.description,
        ...(anchor ? { beforeRuleId: anchor._id } : {}),
        ...serve(w.weight),
      });
  }
  if (wanted.fallthrough === undefined) {
    if (env.fallthrough?.variation !== variations.off || env.fallthrough.rollout)
      changes.push({ kind: 'updateFallthroughVariationOrRollout', variationId: flag.variations[variations.off]!._id });
  } else {
    const weight = weightOf(wanted.fallthrough);
    if (!servesRollout(env.fallthrough, variations, weight, bucketBy, contextKind))
      changes.push({ kind: 'updateFallthroughVariationOrRollout', ...serve(weight) });
  }
  if (changes.length === 0 && env.on) return [];
  return [{ kind: 'turnFlagOn' }, ...changes];
}
