/** The http metrics adapter: any JSON endpoint, with a JSONPath to the value. Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { httpMetricsSettings } from './settings.js';

export const httpMetricsAdapter = defineAdapter({
  type: 'http',
  role: 'metrics',
  settings: httpMetricsSettings,
  describe: 'any JSON endpoint, with a JSONPath to the value',
  load: implementations.metrics.http,
});
