/**
 * What plan validation needs to know about adapters, and no more: per role, each type's settings
 * schema and a one-line description. The registry itself lives in src/providers/registry.ts and is
 * passed in (validatePlan, planJsonSchema), so the plan layer imports nothing from the providers.
 */
import type { z } from 'zod';

export const PROVIDER_ROLES = ['flags', 'metrics', 'incidents', 'notifications'] as const;
export type ProviderRole = (typeof PROVIDER_ROLES)[number];

/** One adapter as validation sees it. */
export interface SettingsDefinition {
  readonly type: string;
  /** checks and completes (defaults) the plan's `providers.<role>.<name>` object, `type` included */
  readonly settings: z.ZodType;
  /** one line for `rollout schema` and doctor output */
  readonly describe: string;
}

/** Per role, the known adapter types. */
export type SettingsRegistry = { readonly [R in ProviderRole]: Readonly<Record<string, SettingsDefinition>> };
