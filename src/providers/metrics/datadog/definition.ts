/** The datadog metrics adapter: Datadog metrics query API (v2 timeseries or v1 query). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { datadogSettings } from './settings.js';

export const datadogMetricsAdapter = defineAdapter({
  type: 'datadog',
  role: 'metrics',
  settings: datadogSettings,
  describe: 'Datadog metrics query API (v2 timeseries or v1 query)',
  load: implementations.metrics.datadog,
});
