/**
 * The parts of LaunchDarkly's REST API v2 the adapter reads and writes (providers.md §1). Responses are
 * checked with loose schemas: unknown fields pass, a missing field we rely on is a malformed answer.
 */
import { z } from 'zod';

const rollout = z.looseObject({
  variations: z.array(z.looseObject({ variation: z.number().int(), weight: z.number() })),
  bucketBy: z.string().optional(),
  contextKind: z.string().optional(),
  seed: z.number().optional(),
});

/** `{variation: index}` or `{rollout}`; GET refers to variations by index, semantic patches by `_id`. */
const variationOrRollout = z.looseObject({
  variation: z.number().int().nullish(),
  rollout: rollout.nullish(),
});

const clause = z.looseObject({
  _id: z.string().optional(),
  attribute: z.string(),
  op: z.string(),
  values: z.array(z.unknown()),
  contextKind: z.string().optional(),
  negate: z.boolean().optional(),
});

const rule = variationOrRollout.extend({
  _id: z.string(),
  clauses: z.array(clause),
  description: z.string().optional(),
});

const environment = z.looseObject({
  on: z.boolean(),
  offVariation: z.number().int().nullish(),
  fallthrough: variationOrRollout.nullish(),
  rules: z.array(rule).default([]),
  version: z.number().optional(),
});

export const ldFlagSchema = z.looseObject({
  key: z.string(),
  _version: z.number().optional(),
  variations: z.array(z.looseObject({ _id: z.string(), value: z.unknown(), name: z.string().nullish() })),
  environments: z.record(z.string(), environment),
});

export type LdFlag = z.infer<typeof ldFlagSchema>;
export type LdEnvironment = LdFlag['environments'][string];
export type LdRule = LdEnvironment['rules'][number];
export type LdClause = LdRule['clauses'][number];
export type LdVariationOrRollout = z.infer<typeof variationOrRollout>;

/** Clause as a semantic patch sends it. */
export interface LdClauseInput {
  contextKind: string;
  attribute: string;
  op: string;
  values: string[];
  negate: boolean;
}

/** Serve one variation (`variationId`) or a percentage rollout (`rolloutWeights`: `_id` → thousandths of a percent). */
export type LdServe =
  | { variationId: string }
  | { rolloutWeights: Record<string, number>; rolloutContextKind: string; rolloutBucketBy?: string };

export type LdInstruction =
  | { kind: 'turnFlagOn' }
  | { kind: 'turnFlagOff' }
  | ({ kind: 'updateFallthroughVariationOrRollout' } & LdServe)
  | ({ kind: 'addRule'; clauses: LdClauseInput[]; description?: string; beforeRuleId?: string } & LdServe)
  | ({ kind: 'updateRuleVariationOrRollout'; ruleId: string } & LdServe)
  | { kind: 'updateRuleDescription'; ruleId: string; description: string }
  | { kind: 'removeRule'; ruleId: string }
  | { kind: 'addVariation'; name: string; value: unknown };

export interface LdSemanticPatch {
  environmentKey: string;
  comment?: string;
  instructions: LdInstruction[];
}

/** Weights are integers in thousandths of a percent and must sum to this. */
export const WEIGHT_TOTAL = 100_000;

export const SEMANTIC_PATCH = 'application/json; domain-model=launchdarkly.semanticpatch';
export const API_VERSION = '20240415';
