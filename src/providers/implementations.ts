/**
 * Each adapter's implementation, by role and type, loaded on first use. Every loader is an `import()`
 * with a literal path, so the start-up path (and the bundle, scripts/bundle.mjs) never loads an
 * adapter a plan does not use.
 *
 * This is what a command needs to create the providers of a plan that has been validated: it imports
 * no settings schema, so creating a provider does not load zod (the registry, registry.ts, holds the
 * schemas; validation and `rollout schema` use it). Each definition.ts takes its `load` from here, so
 * defineAdapter checks at compile time that the implementation accepts the settings its schema
 * produces; registry.ts checks that both list the same types.
 */
import type { ProviderRole, RoleInterfaces } from './definition.js';
import type { AdapterContext } from './types.js';

export const implementations = {
  flags: {
    file: () => import('./flags/file/index.js'),
    launchdarkly: () => import('./flags/launchdarkly/index.js'),
    unleash: () => import('./flags/unleash/index.js'),
  },
  metrics: {
    file: () => import('./metrics/file/index.js'),
    prometheus: () => import('./metrics/prometheus/index.js'),
    datadog: () => import('./metrics/datadog/index.js'),
    http: () => import('./metrics/http/index.js'),
    command: () => import('./metrics/command/index.js'),
  },
  incidents: {
    file: () => import('./incidents/file/index.js'),
    alertmanager: () => import('./incidents/alertmanager/index.js'),
    pagerduty: () => import('./incidents/pagerduty/index.js'),
  },
  notifications: {
    slack: () => import('./notifications/slack/index.js'),
    webhook: () => import('./notifications/webhook/index.js'),
  },
} as const;

export type Implementations = typeof implementations;

/**
 * A loaded implementation as a command sees it. Its settings are `never` here: a caller passes the
 * settings validation left for that provider (validatePlan, or the signed validation cache, with the
 * schema's defaults in place), which the definition's schema produced for this very type.
 */
export type Loader<R extends ProviderRole> = () => Promise<{
  readonly create: (settings: never, ctx: AdapterContext) => Promise<RoleInterfaces[R]>;
}>;

// every implementation returns its role's interface (checked here, for all of them at once)
const byRole: { readonly [R in ProviderRole]: Readonly<Record<string, Loader<R>>> } = implementations;

/** The loader of `type` for `role`, if there is one (a type that is not an own key is none). */
export function findImplementation<R extends ProviderRole>(role: R, type: string): Loader<R> | undefined {
  const byType: Readonly<Record<string, Loader<R>>> = byRole[role];
  return Object.hasOwn(byType, type) ? byType[type] : undefined;
}
