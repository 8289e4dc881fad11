/**
 * The flagd flag definition for a phase: variants on/off, the audience as a targeting condition,
 * the traffic as a `fractional` split bucketed by flag key + targetingKey. "on" is listed first so a
 * higher percentage keeps every key that already had "on" (the buckets only grow).
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

export function flagdDefinition(args: { traffic: number; audience?: AudienceSpec | undefined; plan: string; comment: string }): FlagdFlag {
  const { traffic, audience } = args;
  const on = Math.round(traffic * SCALE);
  const split: unknown =
    on >= 100 * SCALE
      ? 'on'
      : on <= 0
        ? 'off'
        : { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', on], ['off', 100 * SCALE - on]] };
  const metadata: FlagdFlag['metadata'] = { managedBy: 'rollout', plan: args.plan, traffic, change: args.comment };
  if (audience) metadata['audience'] = audience.name;
  const base = { state: 'ENABLED' as const, variants: { on: true, off: false }, defaultVariant: 'off', metadata };
  if (!audience) {
    if (split === 'on') return { ...base, defaultVariant: 'on' };
    if (split === 'off') return base;
    return { ...base, targeting: split as Record<string, unknown> };
  }
  if (!('attribute' in audience)) throw new Error(`the file flag provider cannot evaluate the remote segment "${audience.segment}"`);
  return { ...base, targeting: { if: [{ in: [{ var: audience.attribute }, audience.in] }, split, 'off'] } };
}

export function disabledDefinition(plan: string, comment: string): FlagdFlag {
  return { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', metadata: { managedBy: 'rollout', plan, traffic: 0, change: comment } };
}

/** Reads what a flag serves; from our metadata when we wrote it, else from its shape. */
export function readFlagdState(flag: FlagdFlag | undefined): FlagState {
  if (!flag) return { enabled: false, traffic: 0, detail: { present: false } };
  if (flag.state === 'DISABLED') return { enabled: false, traffic: 0, detail: { state: 'DISABLED' } };
  const meta = flag.metadata ?? {};
  if (typeof meta['traffic'] === 'number') {
    const traffic = meta['traffic'];
    return { enabled: traffic > 0, traffic, audience: typeof meta['audience'] === 'string' ? meta['audience'] : undefined };
  }
  const serves = flag.variants[flag.defaultVariant];
  if (!flag.targeting || Object.keys(flag.targeting).length === 0) {
    return { enabled: serves === true, traffic: serves === true ? 100 : 0, detail: { unmanaged: true } };
  }
  return { enabled: true, traffic: NaN, detail: { unmanaged: true, note: 'targeting written by hand; traffic unknown' } };
}
