/**
 * LaunchDarkly's flag evaluation, as its server-side SDKs do it, for the loopback fake: off →
 * offVariation; individual targets; rules top to bottom (first match wins; clauses ANDed); fallthrough.
 * A percentage rollout buckets a context by SHA-1 of `<flagKey>.<salt>.<bucketBy value>` (or
 * `<seed>.<value>` when the rollout has a seed): the first 15 hex digits as an integer over
 * 0xFFFFFFFFFFFFFFF, served the first variation whose cumulative weight / 100000 exceeds it (the last
 * one when the weights fall short). Checked against the SDK's bucketing (`Rule.bucketUser` in
 * LaunchDarkly's Java server SDK: `sha1Hex(key + "." + salt + "." + idHash).substring(0, 15)`,
 * `/ 0xFFFFFFFFFFFFFFF`, `bucket < sum` with `sum += weight / 100000`).
 */
import { createHash } from 'node:crypto';
import type { LdFlag } from '../../../src/providers/flags/launchdarkly/api.js';

type Env = LdFlag['environments'][string];
type Vor = NonNullable<Env['fallthrough']>;
type Clause = Env['rules'][number]['clauses'][number];

/** A single-kind context: its kind (default `user`), key and attributes. */
export type LdContext = { kind?: string; key: string } & Record<string, string | string[] | undefined>;

/** Segment key → the context keys it includes (segments as the fake knows them). */
export type Segments = Record<string, ReadonlySet<string>>;

// 0xFFFFFFFFFFFFFFF as a double, as the JavaScript SDK divides by it
const LONG_SCALE = Number.parseInt('f'.repeat(15), 16);

/** The bucket value in [0, 1) LaunchDarkly gives a context in one rollout. */
export function bucket(args: { flagKey: string; salt: string; value: string; seed?: number | undefined }): number {
  const input = args.seed != null ? `${args.seed}.${args.value}` : `${args.flagKey}.${args.salt}.${args.value}`;
  const hex = createHash('sha1').update(input).digest('hex').slice(0, 15);
  return Number.parseInt(hex, 16) / LONG_SCALE;
}

function kindOf(ctx: LdContext): string {
  return ctx.kind ?? 'user';
}

function matchClause(c: Clause, ctx: LdContext, segments: Segments): boolean {
  if ((c.contextKind ?? 'user') !== kindOf(ctx) && c.op !== 'segmentMatch') return false;
  let hit: boolean;
  if (c.op === 'segmentMatch') hit = c.values.some((s) => segments[String(s)]?.has(ctx.key) === true);
  else if (c.op === 'in') {
    const raw = c.attribute === 'key' ? ctx.key : ctx[c.attribute];
    const have = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    hit = have.some((v) => c.values.some((w) => w === v));
  } else throw new Error(`the fake's evaluator does not know the clause op ${c.op}`);
  return c.negate ? !hit : hit;
}

function serve(vor: Vor | null | undefined, flag: LdFlag, salt: string, ctx: LdContext): number | undefined {
  if (!vor) return undefined;
  if (typeof vor.variation === 'number') return vor.variation;
  const r = vor.rollout;
  if (!r || r.variations.length === 0) return undefined;
  const attr = r.bucketBy ?? 'key';
  const raw = attr === 'key' ? ctx.key : ctx[attr];
  // a context of another kind, or without the attribute, lands in bucket 0 (the SDKs' rule)
  const value = (r.contextKind ?? 'user') === kindOf(ctx) && typeof raw === 'string' ? raw : undefined;
  const b = value === undefined ? 0 : bucket({ flagKey: flag.key, salt, value, seed: r.seed });
  let sum = 0;
  for (const wv of r.variations) {
    sum += wv.weight / 100000;
    if (b < sum) return wv.variation;
  }
  return r.variations.at(-1)!.variation;
}

/** The variation index and value a flag serves a context in one environment. */
export function evaluate(
  flag: LdFlag,
  environment: string,
  ctx: LdContext,
  segments: Segments = {},
): { variation: number | undefined; value: unknown } {
  const env = flag.environments[environment];
  if (!env) throw new Error(`no environment ${environment}`);
  const out = (variation: number | null | undefined) => ({
    variation: variation ?? undefined,
    value: variation == null ? undefined : flag.variations[variation]?.value,
  });
  if (!env.on) return out(env.offVariation);
  const salt = typeof env.salt === 'string' ? env.salt : typeof flag.salt === 'string' ? flag.salt : '';
  type Target = { values: string[]; variation: number; contextKind?: string };
  const targets = [...((env.targets ?? []) as Target[]), ...((env.contextTargets ?? []) as Target[])];
  const target = targets.find((t) => (t.contextKind ?? 'user') === kindOf(ctx) && t.values.includes(ctx.key));
  if (target) return out(target.variation);
  for (const rule of env.rules) {
    if (rule.disabled === true) continue;
    if (rule.clauses.every((c) => matchClause(c, ctx, segments))) return out(serve(rule, flag, salt, ctx));
  }
  return out(serve(env.fallthrough, flag, salt, ctx));
}
