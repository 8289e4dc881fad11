/**
 * The plan's flag variants (name → JSON value) as LaunchDarkly variations, matched by `name`. A variant
 * the flag lacks is added (`addVariation`, a flag-level instruction: it serves nobody until a rule
 * points at it); variations are never deleted, and the off variation stays what off serves. Serving a
 * variant means rollout's rules give the named variation the share `on` would get. Pure.
 */
import type { LdFlag, LdInstruction, LdVariationOrRollout } from './api.js';
import type { Variations } from './mapping.js';

/** Plan variant names that mean the flag's own on/off variations, never added as variations. */
const PLAIN = new Set(['on', 'off']);

export class VariantConflict extends Error {}

/** A stable text of a JSON value (object keys sorted), to compare the plan's values with LaunchDarkly's. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const jsonType = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** The `addVariation` instructions for the plan's variants the flag lacks; throws VariantConflict when one cannot be served. */
export function missingVariations(flag: LdFlag, variants: Record<string, unknown>, variant: string): LdInstruction[] {
  const named = flag.variations.find((v) => v.name === variant);
  if (named && canonical(named.value) !== canonical(variants[variant])) {
    throw new VariantConflict(
      `variation "${variant}" of flag "${flag.key}" serves ${JSON.stringify(named.value)} in LaunchDarkly but the plan gives ${JSON.stringify(variants[variant])}`,
    );
  }
  const missing = Object.entries(variants).filter(
    ([name]) => !PLAIN.has(name) && !flag.variations.some((v) => v.name === name),
  );
  if (missing.length === 0) return [];
  if (flag.kind === 'boolean' || flag.variations.some((v) => typeof v.value === 'boolean')) {
    throw new VariantConflict(
      `flag "${flag.key}" is a boolean flag: LaunchDarkly serves only true and false from it, not the plan's variant values`,
    );
  }
  const type = jsonType(flag.variations[0]?.value);
  const wrong = missing.find(([, value]) => jsonType(value) !== type);
  if (wrong)
    throw new VariantConflict(
      `variant "${wrong[0]}" is a ${jsonType(wrong[1])} but flag "${flag.key}" serves ${type} values (LaunchDarkly keeps one type per flag)`,
    );
  return missing.map(([name, value]) => ({ kind: 'addVariation', name, value }));
}

/** The variations when the served share gets `variant` instead of `on`; undefined when the flag has no such variation. */
export function servedVariations(flag: LdFlag, base: Variations, variant: string): Variations | undefined {
  const on = flag.variations.findIndex((v) => v.name === variant);
  return on >= 0 && on !== base.off ? { on, off: base.off } : undefined;
}

/** Percent of contexts a rule or fallthrough serves something other than the off variation, and the main one. */
export function servedBy(
  vor: LdVariationOrRollout | null | undefined,
  off: number,
): { traffic: number; variation: number | undefined } {
  if (!vor) return { traffic: 0, variation: undefined };
  if (typeof vor.variation === 'number')
    return vor.variation === off ? { traffic: 0, variation: undefined } : { traffic: 100, variation: vor.variation };
  const on = (vor.rollout?.variations ?? []).filter((v) => v.variation !== off && v.weight > 0);
  const top = on.reduce<(typeof on)[number] | undefined>((m, v) => (m && m.weight >= v.weight ? m : v), undefined);
  return { traffic: on.reduce((sum, v) => sum + v.weight, 0) / 1000, variation: top?.variation };
}

/** The plan's name for what a variation index serves instead of `on`: its name, else its value. */
export function variantName(flag: LdFlag, v: Variations, index: number | undefined): string | undefined {
  if (index === undefined || index === v.on || index === v.off) return undefined;
  const variation = flag.variations[index];
  return variation ? (variation.name ?? JSON.stringify(variation.value)) : undefined;
}
