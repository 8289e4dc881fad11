/**
 * The typed registry of adapters: one record per role, keyed by the plan's `type`, of the definitions
 * in each adapter's folder (`<role>/<type>/definition.ts`). A type missing here, a definition filed
 * under another type or role, or an implementation that does not accept its settings fails
 * compilation; an unknown type in a plan fails validation listing the known ones. Importing this
 * loads the settings schemas only: implementations load when an adapter is created.
 */
import type { SettingsRegistry } from '../plan/provider-registry.js';
import type { ProviderRole, RegisteredAdapter } from './definition.js';
import type { Implementations } from './implementations.js';
import { fileFlagsAdapter } from './flags/file/definition.js';
import { launchDarklyFlagsAdapter } from './flags/launchdarkly/definition.js';
import { unleashFlagsAdapter } from './flags/unleash/definition.js';
import { alertmanagerIncidentsAdapter } from './incidents/alertmanager/definition.js';
import { fileIncidentsAdapter } from './incidents/file/definition.js';
import { pagerDutyIncidentsAdapter } from './incidents/pagerduty/definition.js';
import { commandMetricsAdapter } from './metrics/command/definition.js';
import { datadogMetricsAdapter } from './metrics/datadog/definition.js';
import { fileMetricsAdapter } from './metrics/file/definition.js';
import { httpMetricsAdapter } from './metrics/http/definition.js';
import { prometheusMetricsAdapter } from './metrics/prometheus/definition.js';
import { slackNotifierAdapter } from './notifications/slack/definition.js';
import { webhookNotifierAdapter } from './notifications/webhook/definition.js';

// the types are those with an implementation (implementations.ts): a registry below that misses one,
// or names one more, does not compile
export type FlagType = keyof Implementations['flags'];
export type MetricsType = keyof Implementations['metrics'];
export type IncidentsType = keyof Implementations['incidents'];
export type NotifierType = keyof Implementations['notifications'];

/** A role's registry: each key holds the definition of that type for that role. */
export type RoleRegistry<R extends ProviderRole, Types extends string> = {
  readonly [T in Types]: RegisteredAdapter<R, T>;
};

export const flagAdapters: RoleRegistry<'flags', FlagType> = {
  file: fileFlagsAdapter,
  launchdarkly: launchDarklyFlagsAdapter,
  unleash: unleashFlagsAdapter,
};

export const metricsAdapters: RoleRegistry<'metrics', MetricsType> = {
  file: fileMetricsAdapter,
  prometheus: prometheusMetricsAdapter,
  datadog: datadogMetricsAdapter,
  http: httpMetricsAdapter,
  command: commandMetricsAdapter,
};

export const incidentAdapters: RoleRegistry<'incidents', IncidentsType> = {
  file: fileIncidentsAdapter,
  alertmanager: alertmanagerIncidentsAdapter,
  pagerduty: pagerDutyIncidentsAdapter,
};

export const notifierAdapters: RoleRegistry<'notifications', NotifierType> = {
  slack: slackNotifierAdapter,
  webhook: webhookNotifierAdapter,
};

/** Every role's adapters, by type. */
export type ProviderRegistry = { readonly [R in ProviderRole]: Readonly<Record<string, RegisteredAdapter<R>>> };

/** Every role's registry: what validation (src/plan/validate.ts) and `rollout schema` receive. */
export const providerRegistry: ProviderRegistry = {
  flags: flagAdapters,
  metrics: metricsAdapters,
  incidents: incidentAdapters,
  notifications: notifierAdapters,
} satisfies SettingsRegistry;

/** The adapter of `type` for `role`, if there is one (a plan's type is any string until validated). */
export function findAdapter<R extends ProviderRole>(role: R, type: string): RegisteredAdapter<R> | undefined {
  const byType = providerRegistry[role];
  return Object.hasOwn(byType, type) ? byType[type] : undefined;
}
