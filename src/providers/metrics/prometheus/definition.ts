/** The prometheus metrics adapter: Prometheus HTTP API (PromQL range queries). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { prometheusSettings } from './settings.js';

export const prometheusMetricsAdapter = defineAdapter({
  type: 'prometheus',
  role: 'metrics',
  settings: prometheusSettings,
  describe: 'Prometheus HTTP API (PromQL range queries)',
  load: implementations.metrics.prometheus,
});
