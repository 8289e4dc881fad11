/**
 * Pure translation from LaunchDarkly flags to rollout's FlagState (rules.ts writes them). No I/O.
 *
 * The main rule rollout owns is found by its description, `rollout:<plan>` or `rollout:<plan>:<audience>`
 * (never a kept audience's `rollout:<plan>:keep:<audience>`);
 * when LaunchDarkly dropped or someone edited the description, a rule whose only clause matches the
 * requested audience is adopted (and its description restored).
 */
import type { AudienceSpec, FlagState } from '../../types.js';
import type { LdClause, LdClauseInput, LdEnvironment, LdFlag, LdRule, LdVariationOrRollout } from './api.js';
import { servedBy, variantName } from './variations.js';

/** Indexes of the variation rollout serves (`on`) and the one everybody else gets (`off`). */
export interface Variations {
  on: number;
  off: number;
}

/** `on` is the `true` variation, else the first that is not the off variation; `off` is offVariation, else `false`. */
export function pickVariations(flag: LdFlag, env: LdEnvironment): Variations | undefined {
  const vs = flag.variations;
  if (vs.length < 2) return undefined;
  const valid = (i: number | null | undefined): i is number => typeof i === 'number' && i >= 0 && i < vs.length;
  const falseIdx = vs.findIndex((v) => v.value === false || v.name === 'off');
  const trueIdx = vs.findIndex((v) => v.value === true || v.name === 'on');
  let off = valid(env.offVariation) ? env.offVariation : falseIdx >= 0 ? falseIdx : -1;
  const on = trueIdx >= 0 && trueIdx !== off ? trueIdx : vs.findIndex((_, i) => i !== off);
  if (off < 0) off = vs.findIndex((_, i) => i !== on);
  return on >= 0 && off >= 0 && on !== off ? { on, off } : undefined;
}

export const ownedPrefix = (plan: string): string => `rollout:${plan}`;
export const ruleDescription = (plan: string, audience: AudienceSpec): string =>
  `${ownedPrefix(plan)}:${audience.name}`;
const keepPrefix = (plan: string): string => `${ownedPrefix(plan)}:keep:`;
/** A kept audience's rule: `rollout:<plan>:keep:<audience>` (`*` for all users). */
export const keepDescription = (plan: string, audience: AudienceSpec | undefined): string =>
  `${keepPrefix(plan)}${audience?.name ?? '*'}`;

export const isKeepRule = (rule: LdRule, plan: string): boolean =>
  (rule.description ?? '').startsWith(keepPrefix(plan));

/** Any rule rollout manages for this plan: the main one or a kept audience's. */
export function isOwned(rule: LdRule, plan: string): boolean {
  const d = rule.description ?? '';
  return d === ownedPrefix(plan) || d.startsWith(`${ownedPrefix(plan)}:`);
}

export function audienceClauses(audience: AudienceSpec, contextKind: string): LdClauseInput[] {
  return 'segment' in audience
    ? [{ contextKind, attribute: 'segmentMatch', op: 'segmentMatch', values: [audience.segment], negate: false }]
    : [{ contextKind, attribute: audience.attribute, op: 'in', values: [...audience.in], negate: false }];
}

export function sameClause(a: LdClause, b: LdClauseInput): boolean {
  const values = (xs: unknown[]): string => JSON.stringify(xs.map(String).sort());
  return (
    a.attribute === b.attribute &&
    a.op === b.op &&
    !a.negate &&
    values(a.values) === values(b.values) &&
    (a.contextKind ?? 'user') === b.contextKind
  );
}

/** Our rule: by description, else (when the audience is known) the one rule whose only clause is the audience's. */
export function findOwnedRule(
  env: LdEnvironment,
  plan: string,
  audience?: AudienceSpec,
  contextKind = 'user',
): LdRule | undefined {
  const byDescription = env.rules.find((r) => isOwned(r, plan) && !isKeepRule(r, plan));
  if (byDescription || !audience) return byDescription;
  const [wanted] = audienceClauses(audience, contextKind);
  return env.rules.find(
    (r) => !isOwned(r, plan) && r.clauses.length === 1 && wanted !== undefined && sameClause(r.clauses[0]!, wanted),
  );
}

/** Percentage of contexts a rule or fallthrough serves the `on` variation. */
export function trafficOf(vor: LdVariationOrRollout | null | undefined, on: number): number {
  if (!vor) return 0;
  if (typeof vor.variation === 'number') return vor.variation === on ? 100 : 0;
  if (!vor.rollout) return 0;
  const weight = vor.rollout.variations.filter((v) => v.variation === on).reduce((sum, v) => sum + v.weight, 0);
  return weight / 1000;
}

/** The audience a rule serves, by the name in its description or else by its clause. */
function audienceOf(rule: LdRule, plan: string): string {
  const d = rule.description ?? '';
  if (isKeepRule(rule, plan)) return d.slice(keepPrefix(plan).length);
  if (d.startsWith(`${ownedPrefix(plan)}:`)) return d.slice(ownedPrefix(plan).length + 1);
  const c = rule.clauses[0];
  if (!c) return 'everyone';
  return c.op === 'segmentMatch'
    ? c.values.map(String).join(',')
    : `${c.attribute} in [${c.values.map(String).join(', ')}]`;
}

export function flagState(args: {
  flag: LdFlag;
  env: LdEnvironment;
  variations: Variations;
  plan: string;
  audience?: AudienceSpec;
  contextKind?: string;
}): FlagState {
  const { flag, env, variations, plan } = args;
  const rule = findOwnedRule(env, plan, args.audience, args.contextKind);
  // the share served anything but the off variation: `on`, or the variant a light contingency serves
  const main = servedBy(rule ?? env.fallthrough, variations.off);
  const configured = main.traffic;
  const traffic = env.on ? configured : 0;
  const kept = env.rules
    .filter((r) => isKeepRule(r, plan))
    .map((r) => {
      const k = servedBy(r, variations.off);
      const variant = variantName(flag, variations, k.variation);
      return { ruleId: r._id, audience: audienceOf(r, plan), traffic: k.traffic, ...(variant ? { variant } : {}) };
    });
  const variant = traffic > 0 ? variantName(flag, variations, main.variation) : undefined;
  return {
    enabled: env.on && (traffic > 0 || kept.some((k) => k.traffic > 0)),
    traffic,
    audience: rule ? audienceOf(rule, plan) : undefined,
    ...(variant ? { variant } : {}),
    detail: {
      ...(kept.length > 0 ? { kept } : {}),
      on: env.on,
      version: env.version,
      flagVersion: flag._version,
      ruleId: rule?._id,
      variation: flag.variations[variations.on]?._id,
      ...(env.on ? {} : { trafficWhenOn: configured }),
    },
  };
}

/** Weight of the `on` variation for a percentage; undefined when outside 0-100 or finer than 0.001 %. */
export function weightFor(traffic: number): number | undefined {
  if (!Number.isFinite(traffic) || traffic < 0 || traffic > 100) return undefined;
  const weight = Math.round(traffic * 1000);
  return Math.abs(weight - traffic * 1000) < 1e-6 ? weight : undefined;
}
