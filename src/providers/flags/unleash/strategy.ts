/**
 * Pure rules for the one Unleash strategy rollout manages per flag and environment: how it is found,
 * what it should look like, the smallest JSON Patch that gets it there, and the FlagState it means.
 *
 * Our strategy is the `flexibleRollout` titled `rollout:<plan>` (`rollout:<plan>:<audience>` with an
 * audience: the name the plan gives it, which is what reads back as the FlagState's audience, as the flagd
 * metadata and the LaunchDarkly rule description carry it), or else the `flexibleRollout` whose `groupId`
 * is the flag key (what Unleash's UI creates by default), so an existing gradual rollout is adopted
 * instead of duplicated. A keep strategy (`rollout:<plan>:keep:<audience>`, keep-strategies.ts) also has
 * the flag key as groupId and is never taken for it. Its constraints and segments are the audience and
 * are owned by rollout; its stickiness and groupId are never changed once it exists (either would
 * reshuffle users). Its `variants` are the variant a light contingency serves, or none.
 */
import type { AudienceSpec } from '../../types.js';

export interface UnleashConstraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface UnleashStrategy {
  id: string;
  name: string;
  title?: string | null;
  disabled?: boolean | null;
  parameters?: Record<string, string>;
  constraints?: UnleashConstraint[];
  segments?: number[];
  variants?: StrategyVariant[];
}

/** A strategy variant as Unleash 7 stores it (weight out of 1000). */
export interface StrategyVariant {
  name: string;
  weight: number;
  weightType?: string;
  stickiness?: string;
  payload?: { type: string; value: string };
}

export interface UnleashEnvironment {
  name: string;
  enabled: boolean;
  strategies: UnleashStrategy[];
}

/** The audience as Unleash stores it on a strategy. */
export interface Restriction {
  constraints: UnleashConstraint[];
  segments: number[];
}

export type PatchOp = { op: 'replace'; path: string; value: unknown };

/** The main strategy's title: `rollout:<plan>`, with `:<audience>` when the phase has one (names are slugs). */
export const strategyTitle = (plan: string, audience?: AudienceSpec | undefined): string =>
  audience ? `rollout:${plan}:${audience.name}` : `rollout:${plan}`;

/** Whether a strategy is one of the keep strategies rollout manages (of any plan): never the main one. */
export const isKeepStrategy = (s: UnleashStrategy): boolean =>
  typeof s.title === 'string' && s.title.startsWith('rollout:') && s.title.includes(':keep:');

/** The audience name a main strategy's title carries (`rollout:<plan>:<audience>`); undefined otherwise. */
export function audienceInTitle(s: UnleashStrategy, plan: string): string | undefined {
  const prefix = `${strategyTitle(plan)}:`;
  if (typeof s.title !== 'string' || !s.title.startsWith(prefix) || isKeepStrategy(s)) return undefined;
  return s.title.slice(prefix.length) || undefined;
}

export function findOurStrategy(args: {
  env: UnleashEnvironment;
  flag: string;
  plan: string;
}): UnleashStrategy | undefined {
  const flexible = args.env.strategies.filter((s) => s.name === 'flexibleRollout');
  return (
    flexible.find((s) => s.title === strategyTitle(args.plan) || audienceInTitle(s, args.plan) !== undefined) ??
    flexible.find((s) => s.parameters?.groupId === args.flag && !isKeepStrategy(s))
  );
}

export function desiredRestriction(args: {
  audience?: AudienceSpec | undefined;
  segmentId?: number | undefined;
}): Restriction {
  const { audience } = args;
  if (!audience) return { constraints: [], segments: [] };
  if ('segment' in audience) return { constraints: [], segments: args.segmentId === undefined ? [] : [args.segmentId] };
  return {
    constraints: [
      {
        contextName: audience.attribute,
        operator: 'IN',
        values: [...audience.in],
        inverted: false,
        caseInsensitive: false,
      },
    ],
    segments: [],
  };
}

const constraintKey = (c: UnleashConstraint): string =>
  JSON.stringify([
    c.contextName,
    c.operator,
    [...(c.values ?? [])].sort(),
    c.value ?? null,
    c.inverted ?? false,
    c.caseInsensitive ?? false,
  ]);

function sameRestriction(s: UnleashStrategy, r: Restriction): { constraints: boolean; segments: boolean } {
  const have = (s.constraints ?? []).map(constraintKey).sort();
  const want = r.constraints.map(constraintKey).sort();
  const haveSeg = [...(s.segments ?? [])].sort((a, b) => a - b);
  const wantSeg = [...r.segments].sort((a, b) => a - b);
  return {
    constraints: JSON.stringify(have) === JSON.stringify(want),
    segments: JSON.stringify(haveSeg) === JSON.stringify(wantSeg),
  };
}

/** What a strategy should serve; stickiness and groupId only where they are ours to set (keep strategies). */
export interface Wanted {
  strategy: UnleashStrategy;
  traffic: number;
  restriction: Restriction;
  /** the strategy variants; undefined leaves them as they are (adopted strategies before this version) */
  variants?: StrategyVariant[] | undefined;
  stickiness?: string | undefined;
  groupId?: string | undefined;
  /** the title, where it is ours to set (the main strategy's names its audience) */
  title?: string | undefined;
}

const variantKey = (v: StrategyVariant): string =>
  JSON.stringify([v.name, v.weight, v.weightType ?? 'variable', v.stickiness ?? 'default', v.payload ?? null]);

/** Whether two variant lists serve the same (order and defaults aside). */
export function sameVariants(have: StrategyVariant[] | undefined, want: StrategyVariant[]): boolean {
  const a = (have ?? []).map(variantKey).sort();
  const b = want.map(variantKey).sort();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The JSON Patch that brings a strategy to what is wanted; empty when it already is. */
export function patchOps(args: Wanted): PatchOp[] {
  const { strategy, traffic, restriction } = args;
  const ops: PatchOp[] = [];
  const param = (name: string, value: string | undefined) => {
    if (value !== undefined && strategy.parameters?.[name] !== value)
      ops.push({ op: 'replace', path: `/parameters/${name}`, value });
  };
  param('rollout', String(traffic));
  param('stickiness', args.stickiness);
  param('groupId', args.groupId);
  const same = sameRestriction(strategy, restriction);
  if (!same.constraints) ops.push({ op: 'replace', path: '/constraints', value: restriction.constraints });
  if (!same.segments) ops.push({ op: 'replace', path: '/segments', value: restriction.segments });
  if (args.variants && !sameVariants(strategy.variants, args.variants))
    ops.push({ op: 'replace', path: '/variants', value: args.variants });
  if (strategy.disabled) ops.push({ op: 'replace', path: '/disabled', value: false });
  if (args.title !== undefined && strategy.title !== args.title)
    ops.push({ op: 'replace', path: '/title', value: args.title });
  return ops;
}

/** The ops that put back what `ops` changed, from the strategy as it was before. */
export function revertOps(args: { before: UnleashStrategy; ops: PatchOp[] }): PatchOp[] {
  const { before } = args;
  const old: Record<string, unknown> = {
    '/parameters/rollout': before.parameters?.rollout,
    '/parameters/stickiness': before.parameters?.stickiness,
    '/parameters/groupId': before.parameters?.groupId,
    '/constraints': before.constraints ?? [],
    '/segments': before.segments ?? [],
    '/variants': before.variants ?? [],
    '/disabled': before.disabled ?? false,
    '/title': before.title ?? '',
  };
  return args.ops.map((o) => ({ op: 'replace', path: o.path, value: old[o.path] }));
}

/** Whether a strategy read back serves exactly what was asked. */
export function matches(args: Wanted): boolean {
  return patchOps(args).length === 0;
}

export { describeAudience, flagState } from './flag-state.js';

/** The strategy variants serving `variant` (with its plan value as a JSON payload) to all of the share; none for plain `on`. */
export function strategyVariants(args: {
  variant: string | undefined;
  values: Record<string, unknown> | undefined;
  stickiness: string;
}): StrategyVariant[] {
  if (args.variant === undefined) return [];
  const value = args.values?.[args.variant];
  return [
    {
      name: args.variant,
      weight: 1000,
      weightType: 'variable',
      stickiness: args.stickiness,
      ...(value === undefined ? {} : { payload: { type: 'json', value: JSON.stringify(value) } }),
    },
  ];
}
