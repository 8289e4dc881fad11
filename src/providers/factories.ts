/**
 * How each adapter is created, by role and type: implementations load lazily, so a command loads
 * only the adapters (and axios) its plan uses, and never zod (settings were checked at validation).
 * A type missing here fails compilation, as in the settings registry (registry.ts).
 */
import type { AdapterContext, FlagProvider, IncidentProvider, MetricsProvider, Notifier } from './types.js';
import type { FlagType, IncidentsType, MetricsType, NotifierType, ProviderRole } from './registry.js';

/** Settings arrive already parsed by the adapter's schema (registry.ts). */
export type AdapterFactory<Role> = (settings: never, ctx: AdapterContext) => Promise<Role>;

export const flagFactories: Record<FlagType, AdapterFactory<FlagProvider>> = {
  file: async (s, ctx) => (await import('./flags/file/index.js')).createFileFlags(s, ctx),
  launchdarkly: async (s, ctx) => (await import('./flags/launchdarkly/index.js')).createLaunchDarklyFlags(s, ctx),
  unleash: async (s, ctx) => (await import('./flags/unleash/index.js')).createUnleashFlags(s, ctx),
};

export const metricsFactories: Record<MetricsType, AdapterFactory<MetricsProvider>> = {
  file: async (s, ctx) => (await import('./metrics/file/index.js')).createFileMetrics(s, ctx),
  prometheus: async (s, ctx) => (await import('./metrics/prometheus/index.js')).createPrometheusMetrics(s, ctx),
  datadog: async (s, ctx) => (await import('./metrics/datadog/index.js')).createDatadogMetrics(s, ctx),
  http: async (s, ctx) => (await import('./metrics/http/index.js')).createHttpMetrics(s, ctx),
  command: async (s, ctx) => (await import('./metrics/command/index.js')).createCommandMetrics(s, ctx),
};

export const incidentFactories: Record<IncidentsType, AdapterFactory<IncidentProvider>> = {
  file: async (s, ctx) => (await import('./incidents/file/index.js')).createFileIncidents(s, ctx),
  alertmanager: async (s, ctx) =>
    (await import('./incidents/alertmanager/index.js')).createAlertmanagerIncidents(s, ctx),
  pagerduty: async (s, ctx) => (await import('./incidents/pagerduty/index.js')).createPagerDutyIncidents(s, ctx),
};

export const notifierFactories: Record<NotifierType, AdapterFactory<Notifier>> = {
  slack: async (s, ctx) => (await import('./notifications/slack/index.js')).createSlackNotifier(s, ctx),
  webhook: async (s, ctx) => (await import('./notifications/webhook/index.js')).createWebhookNotifier(s, ctx),
};

export const factories = {
  flags: flagFactories,
  metrics: metricsFactories,
  incidents: incidentFactories,
  notifications: notifierFactories,
} as const satisfies Record<ProviderRole, unknown>;
