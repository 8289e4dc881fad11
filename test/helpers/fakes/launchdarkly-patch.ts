/**
 * The semantic-patch instructions the LaunchDarkly fake understands, applied to a copy of the flag (the
 * fake swaps it in only when every instruction was valid). An invalid one throws Invalid: a 400
 * `invalid_request` with LaunchDarkly's error body.
 */
import type { LdFlag } from '../../../src/providers/flags/launchdarkly/api.js';

type Env = LdFlag['environments'][string];
type Json = Record<string, unknown>;

export class Invalid extends Error {}

function serve(flag: LdFlag, i: Json): { variation?: number; rollout?: NonNullable<Env['fallthrough']>['rollout'] } {
  if (typeof i.variationId === 'string') {
    const idx = flag.variations.findIndex((v) => v._id === i.variationId);
    if (idx < 0) throw new Invalid(`unknown variationId ${i.variationId}`);
    return { variation: idx };
  }
  const weights = i.rolloutWeights;
  if (typeof weights !== 'object' || weights === null)
    throw new Invalid(`${String(i.kind)} needs variationId or rolloutWeights`);
  let sum = 0;
  const variations = Object.entries(weights as Record<string, unknown>).map(([id, w]) => {
    const idx = flag.variations.findIndex((v) => v._id === id);
    if (idx < 0) throw new Invalid(`rolloutWeights: unknown variation id ${id} (use _id, not an index)`);
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 100000)
      throw new Invalid(`rolloutWeights: ${id} must be an integer 0-100000`);
    sum += w;
    return { variation: idx, weight: w };
  });
  if (sum !== 100000) throw new Invalid(`rolloutWeights must sum to 100000 (got ${sum})`);
  variations.sort((a, b) => a.variation - b.variation);
  return {
    rollout: {
      variations,
      contextKind: typeof i.rolloutContextKind === 'string' ? i.rolloutContextKind : 'user',
      ...(typeof i.rolloutBucketBy === 'string' ? { bucketBy: i.rolloutBucketBy } : {}),
    },
  };
}

function ruleIndex(env: Env, i: Json): number {
  const idx = env.rules.findIndex((r) => r._id === i.ruleId);
  if (idx < 0) throw new Invalid(`unknown ruleId ${String(i.ruleId)}`);
  return idx;
}

export function applyInstruction(flag: LdFlag, env: Env, i: Json, nextId: () => number): void {
  switch (i.kind) {
    case 'turnFlagOn':
      env.on = true;
      return;
    case 'turnFlagOff':
      env.on = false;
      return;
    case 'updateFallthroughVariationOrRollout':
      env.fallthrough = serve(flag, i);
      return;
    case 'addRule': {
      const clauses = i.clauses;
      if (!Array.isArray(clauses) || clauses.length === 0) throw new Invalid('addRule needs clauses');
      const rule: Env['rules'][number] = {
        _id: `rule-${nextId()}`,
        clauses: (clauses as Json[]).map((c) => {
          if (typeof c.attribute !== 'string' || typeof c.op !== 'string' || !Array.isArray(c.values))
            throw new Invalid('clause needs attribute, op, values');
          return {
            _id: `clause-${nextId()}`,
            attribute: c.attribute,
            op: c.op,
            values: c.values,
            contextKind: typeof c.contextKind === 'string' ? c.contextKind : 'user',
            negate: c.negate === true,
          };
        }),
        trackEvents: false,
        ...(typeof i.description === 'string' ? { description: i.description } : {}),
        ...serve(flag, i),
      };
      const before = typeof i.beforeRuleId === 'string' ? ruleIndex(env, { ruleId: i.beforeRuleId }) : env.rules.length;
      env.rules.splice(before, 0, rule);
      return;
    }
    case 'updateRuleVariationOrRollout': {
      const idx = ruleIndex(env, i);
      const { variation: _v, rollout: _r, ...rest } = env.rules[idx]!;
      env.rules[idx] = { ...rest, ...serve(flag, i) };
      return;
    }
    case 'updateRuleDescription':
      if (typeof i.description !== 'string') throw new Invalid('updateRuleDescription needs description');
      env.rules[ruleIndex(env, i)]!.description = i.description;
      return;
    case 'addVariation': {
      // flag-level; LaunchDarkly keeps one value type per flag and a boolean flag's values fixed
      if (!('value' in i) || i.value === undefined) throw new Invalid('addVariation needs a value');
      if (i.name !== undefined && typeof i.name !== 'string') throw new Invalid('addVariation name must be a string');
      const type = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
      if (flag.kind === 'boolean') throw new Invalid('cannot add a variation to a boolean flag');
      if (flag.variations.some((v) => type(v.value) !== type(i.value)))
        throw new Invalid(`variation value must be of the flag's type (${type(flag.variations[0]?.value)})`);
      flag.variations.push({ _id: `variation-${nextId()}`, value: i.value, ...(i.name ? { name: i.name } : {}) });
      return;
    }
    case 'removeRule':
      env.rules = env.rules.filter((r) => r._id !== i.ruleId);
      return;
    default:
      throw new Invalid(`unknown instruction kind ${String(i.kind)}`);
  }
}
