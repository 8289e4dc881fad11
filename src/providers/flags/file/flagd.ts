/**
 * The flagd flag definition for a phase: variants on/off, the audience as a targeting condition,
 * the traffic as a `fractional` split bucketed by flag key + targetingKey. "on" is listed first so a
 * higher percentage keeps every key that already had "on" (the buckets only grow).
 *
 * What a flag serves is read back from its targeting, as flagd evaluates it, never from the
 * `metadata` we leave beside it: a hand edit of the split or of the audience shows as what it is.
 * Only the shapes this tool writes are recognised; anything else is "unrecognised targeting", never
 * a number.
 */
import type { AudienceSpec, FlagState } from '../../types.js';

export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, unknown>;
  defaultVariant: string;
  targeting?: Record<string, unknown>;
  metadata?: Record<string, string | number | boolean>;
}

/** Weights in thousandths of a percent, so 2.5% is exact. */
const SCALE = 1000;

/**
 * The `fractional` split serving `traffic` % `served` ("on", or the variant a light contingency serves),
 * bucketed by flag key + targetingKey (the same for every phase).
 */
function splitOf(traffic: number, served = 'on'): unknown {
  const on = Math.round(traffic * SCALE);
  if (on >= 100 * SCALE) return served;
  if (on <= 0) return 'off';
  return {
    fractional: [
      { cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] },
      [served, on],
      ['off', 100 * SCALE - on],
    ],
  };
}

function conditionOf(audience: AudienceSpec): Record<string, unknown> {
  if (!('attribute' in audience))
    throw new Error(`the file flag provider cannot evaluate the remote segment "${audience.segment}"`);
  return { in: [{ var: audience.attribute }, audience.in] };
}

/** An earlier phase kept: in its audience (if any) AND in its share's buckets → "on". */
function keptCondition(k: { audience?: AudienceSpec | undefined; traffic: number }): unknown {
  const inShare = { '==': [splitOf(k.traffic), 'on'] };
  return k.audience ? { and: [conditionOf(k.audience), inShare] } : inShare;
}

export function flagdDefinition(args: {
  traffic: number;
  audience?: AudienceSpec | undefined;
  keep?: { audience?: AudienceSpec | undefined; traffic: number }[] | undefined;
  plan: string;
  comment: string;
  /** the variant the served share gets instead of `on`, one of `values` (a light contingency) */
  variant?: string | undefined;
  /** variants with values beside on/off; `on` here is the new version's value */
  values?: Record<string, unknown> | undefined;
}): FlagdFlag {
  const { traffic, audience } = args;
  const served = args.variant ?? 'on';
  const split = splitOf(traffic, served);
  const metadata: FlagdFlag['metadata'] = { managedBy: 'rollout', plan: args.plan, traffic, change: args.comment };
  if (audience) metadata['audience'] = audience.name;
  if (args.variant) metadata['variant'] = args.variant;
  const variants = { on: true, off: false, ...args.values };
  const base = { state: 'ENABLED' as const, variants, defaultVariant: 'off', metadata };
  // everyone at 100 %: nobody needs an earlier phase's rule
  const keep = !audience && split === served ? [] : (args.keep ?? []).filter((k) => k.traffic > 0);
  if (keep.length > 0) {
    metadata['kept'] = keep.map((k) => `${k.traffic}% of ${k.audience?.name ?? 'all users'}`).join(', ');
    const branches: unknown[] = keep.flatMap((k) => [keptCondition(k), served]);
    if (audience) branches.push(conditionOf(audience), split, 'off');
    else branches.push(split);
    return { ...base, targeting: { if: branches } };
  }
  if (!audience) {
    if (split === served) return { ...base, defaultVariant: served };
    if (split === 'off') return base;
    return { ...base, targeting: split as Record<string, unknown> };
  }
  return { ...base, targeting: { if: [conditionOf(audience), split, 'off'] } };
}

export function disabledDefinition(
  plan: string,
  comment: string,
  values?: Record<string, unknown> | undefined,
): FlagdFlag {
  return {
    state: 'ENABLED',
    variants: { on: true, off: false, ...values },
    defaultVariant: 'off',
    metadata: { managedBy: 'rollout', plan, traffic: 0, change: comment },
  };
}

/** An attribute condition as the targeting states it. */
export interface AudienceRule {
  attribute: string;
  in: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a targeting rule is not one this tool wrote; thrown inside the reader only. */
class Unrecognised extends Error {}

/**
 * The share (0-100) of evaluations a split node serves the feature: any variant but `off` (and one
 * whose value is false); each served variant is added to `seen`.
 */
function shareOf(node: unknown, variants: Record<string, unknown>, seen?: Set<string>): number {
  const served = (name: unknown): boolean => {
    if (typeof name !== 'string' || !(name in variants))
      throw new Unrecognised(`it names a variant the flag does not have (${JSON.stringify(name)})`);
    const yes = name !== 'off' && variants[name] !== false && variants[name] !== null;
    if (yes) seen?.add(name);
    return yes;
  };
  if (typeof node === 'string') return served(node) ? 100 : 0;
  if (isRecord(node) && Object.keys(node).length === 1 && Array.isArray(node['fractional'])) {
    const args = node['fractional'] as unknown[];
    // an optional bucketing expression first, then [variant, weight] pairs
    const pairs = args.length > 0 && isRecord(args[0]) ? args.slice(1) : args;
    let total = 0;
    let on = 0;
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[1] !== 'number' || !Number.isFinite(p[1]) || p[1] < 0)
        throw new Unrecognised('its fractional split is not a list of [variant, weight] pairs');
      total += p[1];
      if (served(p[0])) on += p[1];
    }
    if (total <= 0) throw new Unrecognised('its fractional split has no weight');
    return (on / total) * 100;
  }
  throw new Unrecognised('it is not a variant name or a fractional split');
}

/** `{ in: [{ var: attribute }, [values]] }` */
function audienceOf(cond: unknown): AudienceRule {
  if (isRecord(cond) && Object.keys(cond).length === 1 && Array.isArray(cond['in']) && cond['in'].length === 2) {
    const [ref, values] = cond['in'] as [unknown, unknown];
    if (
      isRecord(ref) &&
      Object.keys(ref).length === 1 &&
      typeof ref['var'] === 'string' &&
      Array.isArray(values) &&
      values.every((v) => typeof v === 'string')
    ) {
      return { attribute: ref['var'], in: values as string[] };
    }
  }
  throw new Unrecognised('its condition is not an attribute in a list of values');
}

/** `{ and: [audience, { "==": [split, "on"] }] }` or `{ "==": [split, "on"] }`: an earlier phase kept. */
function keptOf(cond: unknown, variants: Record<string, unknown>): { traffic: number; rule?: AudienceRule } {
  const share = (eq: unknown): number => {
    if (isRecord(eq) && Object.keys(eq).length === 1 && Array.isArray(eq['=='])) {
      const [split, on] = eq['=='] as unknown[];
      if (on === 'on') return shareOf(split, variants);
    }
    throw new Unrecognised('its earlier-phase condition is not an audience and a split');
  };
  if (isRecord(cond) && Object.keys(cond).length === 1 && Array.isArray(cond['and']) && cond['and'].length === 2) {
    const [aud, eq] = cond['and'] as unknown[];
    return { traffic: share(eq), rule: audienceOf(aud) };
  }
  return { traffic: share(cond) };
}

/** What the targeting serves: everyone (no audience) or an audience rule, at a share of 0-100. */
export function readTargeting(
  flag: FlagdFlag,
  seen?: Set<string>,
): {
  traffic: number;
  rule?: AudienceRule | undefined;
  kept?: { traffic: number; rule?: AudienceRule }[];
} {
  const t = flag.targeting;
  if (!t || Object.keys(t).length === 0) return { traffic: shareOf(flag.defaultVariant, flag.variants, seen) };
  if (Object.keys(t).length === 1 && Array.isArray(t['if'])) {
    const branches = t['if'] as unknown[];
    if (branches.length === 3) {
      const [cond, then, otherwise] = branches;
      const rule = audienceOf(cond);
      if (shareOf(otherwise, flag.variants) !== 0) throw new Unrecognised('it serves the feature outside the audience');
      return { traffic: shareOf(then, flag.variants, seen), rule };
    }
    // earlier phases kept: [kept, "on"]... then [audience, split, "off"] or a bare split
    const n = branches.length;
    const audienceTail = n >= 3 && isRecord(branches[n - 3]) && 'in' in (branches[n - 3] as Record<string, unknown>);
    const headEnd = n - (audienceTail ? 3 : 1);
    const kept: { traffic: number; rule?: AudienceRule }[] = [];
    if (n % 2 !== 1 || headEnd < 2) throw new Unrecognised('its `if` is not condition, then, else');
    for (let i = 0; i < headEnd; i += 2) {
      if (shareOf(branches[i + 1], flag.variants, seen) !== 100)
        throw new Unrecognised('an earlier-phase branch does not serve the feature');
      kept.push(keptOf(branches[i], flag.variants));
    }
    const tail = branches.slice(headEnd);
    if (tail.length === 3) {
      const [cond, then, otherwise] = tail;
      if (shareOf(otherwise, flag.variants) !== 0)
        throw new Unrecognised('it serves the feature outside the audiences');
      return { traffic: shareOf(then, flag.variants, seen), rule: audienceOf(cond), kept };
    }
    return { traffic: shareOf(tail[0], flag.variants, seen), kept };
  }
  return { traffic: shareOf(t, flag.variants, seen) };
}

/** Reads what a flag serves from its state, variants and targeting, as flagd evaluates them. */
export function readFlagdState(flag: FlagdFlag | undefined): FlagState {
  if (!flag) return { enabled: false, traffic: 0, detail: { present: false } };
  if (flag.state === 'DISABLED') return { enabled: false, traffic: 0, detail: { state: 'DISABLED' } };
  const named = typeof flag.metadata?.['audience'] === 'string' ? (flag.metadata['audience'] as string) : undefined;
  try {
    if (!isRecord(flag.variants) || typeof flag.defaultVariant !== 'string')
      throw new Unrecognised('it has no variants or default variant');
    const seen = new Set<string>();
    const { traffic, rule, kept } = readTargeting(flag, seen);
    // a share computed from weights: 5000 of 100000 is 5 exactly, 1 of 3 is kept to a thousandth
    const share = Math.round(traffic * SCALE) / SCALE;
    const audience = rule ? (named ?? `${rule.attribute} in [${rule.in.join(', ')}]`) : undefined;
    const variant = [...seen].filter((v) => v !== 'on').join('+') || undefined;
    const state: FlagState = {
      enabled: share > 0,
      traffic: share,
      audience,
      detail: { ...(rule ? { audienceRule: rule } : {}), ...(kept?.length ? { kept } : {}) },
    };
    if (variant && share > 0) state.variant = variant;
    return state;
  } catch (e) {
    if (!(e instanceof Unrecognised)) throw e;
    return {
      enabled: true,
      traffic: NaN,
      audience: named,
      detail: { unrecognised: true, note: `unrecognised targeting: ${e.message}; what it serves is unknown` },
    };
  }
}
