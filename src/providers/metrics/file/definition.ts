/** The file metrics adapter: a CSV or JSON file of timestamp,metric,cohort,value rows. Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { fileMetricsSettings } from './settings.js';

export const fileMetricsAdapter = defineAdapter({
  type: 'file',
  role: 'metrics',
  settings: fileMetricsSettings,
  describe: 'a CSV or JSON file of timestamp,metric,cohort,value rows',
  load: implementations.metrics.file,
});
