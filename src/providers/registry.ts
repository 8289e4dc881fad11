/**
 * The typed registry of adapters, one per folder, chosen by the plan's `type`. A type missing here
 * fails compilation; an unknown type in a plan fails validation listing the known ones.
 * This file holds each adapter's settings schema (validation needs them); factories.ts creates
 * the adapters, lazily.
 */
import {
  defineAdapter,
  type AdapterDefinition,
  type FlagProvider,
  type IncidentProvider,
  type MetricsProvider,
  type Notifier,
} from './types.js';
import { fileFlagSettings } from './flags/file/settings.js';
import { launchDarklySettings } from './flags/launchdarkly/settings.js';
import { unleashSettings } from './flags/unleash/settings.js';
import { fileMetricsSettings } from './metrics/file/settings.js';
import { prometheusSettings } from './metrics/prometheus/settings.js';
import { datadogSettings } from './metrics/datadog/settings.js';
import { httpMetricsSettings } from './metrics/http/settings.js';
import { commandMetricsSettings } from './metrics/command/settings.js';
import { fileIncidentsSettings } from './incidents/file/settings.js';
import { alertmanagerSettings } from './incidents/alertmanager/settings.js';
import { pagerDutySettings } from './incidents/pagerduty/settings.js';
import { slackSettings } from './notifications/slack/settings.js';
import { webhookSettings } from './notifications/webhook/settings.js';

export type FlagType = 'file' | 'launchdarkly' | 'unleash';
export type MetricsType = 'file' | 'prometheus' | 'datadog' | 'http' | 'command';
export type IncidentsType = 'file' | 'alertmanager' | 'pagerduty';
export type NotifierType = 'slack' | 'webhook';

export const flagAdapters: Record<FlagType, AdapterDefinition<FlagProvider>> = {
  file: defineAdapter({
    settings: fileFlagSettings,
    description: 'a flagd flag-definition JSON file',
  }),
  launchdarkly: defineAdapter({
    settings: launchDarklySettings,
    description: 'LaunchDarkly REST API v2 (semantic patch)',
  }),
  unleash: defineAdapter({
    settings: unleashSettings,
    description: 'Unleash Admin API (flexibleRollout strategy)',
  }),
};

export const metricsAdapters: Record<MetricsType, AdapterDefinition<MetricsProvider>> = {
  file: defineAdapter({
    settings: fileMetricsSettings,
    description: 'a CSV or JSON file of timestamp,metric,cohort,value rows',
  }),
  prometheus: defineAdapter({
    settings: prometheusSettings,
    description: 'Prometheus HTTP API (PromQL range queries)',
  }),
  datadog: defineAdapter({
    settings: datadogSettings,
    description: 'Datadog metrics query API (v2 timeseries or v1 query)',
  }),
  http: defineAdapter({
    settings: httpMetricsSettings,
    description: 'any JSON endpoint, with a JSONPath to the value',
  }),
  command: defineAdapter({
    settings: commandMetricsSettings,
    description: 'a command that prints a number or JSON',
  }),
};

export const incidentAdapters: Record<IncidentsType, AdapterDefinition<IncidentProvider>> = {
  file: defineAdapter({
    settings: fileIncidentsSettings,
    description: 'a JSON file of incidents',
  }),
  alertmanager: defineAdapter({
    settings: alertmanagerSettings,
    description: 'Prometheus Alertmanager API v2 (active alerts)',
  }),
  pagerduty: defineAdapter({
    settings: pagerDutySettings,
    description: 'PagerDuty REST API v2 (open incidents)',
  }),
};

export const notifierAdapters: Record<NotifierType, AdapterDefinition<Notifier>> = {
  slack: defineAdapter({
    settings: slackSettings,
    description: 'Slack incoming webhook (blocks)',
  }),
  webhook: defineAdapter({
    settings: webhookSettings,
    description: 'a JSON POST, optionally signed with HMAC-SHA256',
  }),
};

export const registries = {
  flags: flagAdapters,
  metrics: metricsAdapters,
  incidents: incidentAdapters,
  notifications: notifierAdapters,
} as const;
export type ProviderRole = keyof typeof registries;
