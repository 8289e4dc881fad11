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

export function flagdDefinition(args: {
  traffic: number;
  audience?: AudienceSpec | undefined;
  plan: string;
  comment: string;
  /** the variant the served share gets instead of `on`, one of `values` (a light contingency) */
  variant?: string | undefined;
  /** variants with values beside on/off; `on` here is the new version's value */
  values?: Record<string, unknown> | undefined;
}): FlagdFlag {
  const { traffic, audience } = args;
  const on = Math.round(traffic * SCALE);
  const served = args.variant ?? 'on';
  const split: unknown =
    on >= 100 * SCALE
      ? served
      : on <= 0
        ? 'off'
        : {
            fractional: [
              { cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] },
              [served, on],
              ['off', 100 * SCALE - on],
            ],
          };
  const metadata: FlagdFlag['metadata'] = { managedBy: 'rollout', plan: args.plan, traffic, change: args.comment };
  if (audience) metadata['audience'] = audience.name;
  if (args.variant) metadata['variant'] = args.variant;
  const variants = { on: true, off: false, ...args.values };
  const base = { state: 'ENABLED' as const, variants, defaultVariant: 'off', metadata };
  if (!audience) {
    if (split === served) return { ...base, defaultVariant: served };
    if (split === 'off') return base;
    return { ...base, targeting: split as Record<string, unknown> };
  }
  if (!('attribute' in audience))
    throw new Error(`the file flag provider cannot evaluate the remote segment "${audience.segment}"`);
  return { ...base, targeting: { if: [{ in: [{ var: audience.attribute }, audience.in] }, split, 'off'] } };
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

/** What the targeting serves: everyone (no audience) or an audience rule, at a share of 0-100. */
export function readTargeting(
  flag: FlagdFlag,
  seen?: Set<string>,
): { traffic: number; rule?: AudienceRule | undefined } {
  const t = flag.targeting;
  if (!t || Object.keys(t).length === 0) return { traffic: shareOf(flag.defaultVariant, flag.variants, seen) };
  if (Object.keys(t).length === 1 && Array.isArray(t['if'])) {
    const branches = t['if'] as unknown[];
    if (branches.length !== 3) throw new Unrecognised('its `if` is not condition, then, else');
    const [cond, then, otherwise] = branches;
    const rule = audienceOf(cond);
    if (shareOf(otherwise, flag.variants) !== 0) throw new Unrecognised('it serves the feature outside the audience');
    return { traffic: shareOf(then, flag.variants, seen), rule };
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
    const { traffic, rule } = readTargeting(flag, seen);
    // a share computed from weights: 5000 of 100000 is 5 exactly, 1 of 3 is kept to a thousandth
    const share = Math.round(traffic * SCALE) / SCALE;
    const audience = rule ? (named ?? `${rule.attribute} in [${rule.in.join(', ')}]`) : undefined;
    const variant = [...seen].filter((v) => v !== 'on').join('+') || undefined;
    const state: FlagState = {
      enabled: share > 0,
      traffic: share,
      audience,
      detail: rule ? { audienceRule: rule } : {},
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
