/**
 * Pure rules for the one Unleash strategy rollout manages per flag and environment: how it is found,
 * what it should look like, the smallest JSON Patch that gets it there, and the FlagState it means.
 *
 * Our strategy is the `flexibleRollout` titled `rollout:<plan>`, or else the `flexibleRollout` whose
 * `groupId` is the flag key (what Unleash's UI creates by default), so an existing gradual rollout is
 * adopted instead of duplicated. Its constraints and segments are the audience and are owned by rollout;
 * its stickiness and groupId are never changed once it exists (either would reshuffle users).
 */
import type { AudienceSpec, FlagState } from '../../types.js';

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

export const strategyTitle = (plan: string): string => `rollout:${plan}`;

export function findOurStrategy(args: {
  env: UnleashEnvironment;
  flag: string;
  plan: string;
}): UnleashStrategy | undefined {
  const flexible = args.env.strategies.filter((s) => s.name === 'flexibleRollout');
  return (
    flexible.find((s) => s.title === strategyTitle(args.plan)) ??
    flexible.find((s) => s.parameters?.groupId === args.flag)
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

/** The JSON Patch that brings our strategy to `traffic` and `restriction`; empty when it already is. */
export function patchOps(args: { strategy: UnleashStrategy; traffic: number; restriction: Restriction }): PatchOp[] {
  const { strategy, traffic, restriction } = args;
  const ops: PatchOp[] = [];
  if (strategy.parameters?.rollout !== String(traffic))
    ops.push({ op: 'replace', path: '/parameters/rollout', value: String(traffic) });
  const same = sameRestriction(strategy, restriction);
  if (!same.constraints) ops.push({ op: 'replace', path: '/constraints', value: restriction.constraints });
  if (!same.segments) ops.push({ op: 'replace', path: '/segments', value: restriction.segments });
  if (strategy.disabled) ops.push({ op: 'replace', path: '/disabled', value: false });
  return ops;
}

/** The ops that put back what `ops` changed, from the strategy as it was before. */
export function revertOps(args: { before: UnleashStrategy; ops: PatchOp[] }): PatchOp[] {
  const { before } = args;
  const old: Record<string, unknown> = {
    '/parameters/rollout': before.parameters?.rollout,
    '/constraints': before.constraints ?? [],
    '/segments': before.segments ?? [],
    '/disabled': before.disabled ?? false,
  };
  return args.ops.map((o) => ({ op: 'replace', path: o.path, value: old[o.path] }));
}

/** Whether a strategy read back serves exactly what was asked. */
export function matches(args: { strategy: UnleashStrategy; traffic: number; restriction: Restriction }): boolean {
  return patchOps(args).length === 0;
}

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

/**
 * What the flag serves. With our strategy: its rollout, when the environment is on. Without it, an enabled
 * environment serves through strategies rollout does not manage; we report the most they can expose
 * (100 for anything but a flexibleRollout), so an unknown exposure is never read as none.
 */
export function flagState(args: {
  env: UnleashEnvironment;
  strategy: UnleashStrategy | undefined;
  segmentNames: Map<number, string>;
}): FlagState {
  const { env, strategy } = args;
  const foreign = env.strategies.filter((s) => s !== strategy && !s.disabled);
  const rollout = strategy ? Number(strategy.parameters?.rollout ?? 0) : undefined;
  const detail: Record<string, unknown> = {
    environment: env.name,
    environmentEnabled: env.enabled,
    strategyId: strategy?.id,
    rollout,
    ...(foreign.length > 0
      ? { unmanagedStrategies: foreign.map((s) => ({ id: s.id, name: s.name, title: s.title ?? undefined })) }
      : {}),
  };
  if (strategy) {
    const live = env.enabled && !strategy.disabled && (rollout ?? 0) > 0;
    return {
      enabled: live,
      traffic: live ? (rollout ?? 0) : 0,
      audience: describeAudience({ strategy, segmentNames: args.segmentNames }),
      detail,
    };
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
