/** The alertmanager incidents adapter: Prometheus Alertmanager API v2 (active alerts). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { alertmanagerSettings } from './settings.js';

export const alertmanagerIncidentsAdapter = defineAdapter({
  type: 'alertmanager',
  role: 'incidents',
  settings: alertmanagerSettings,
  describe: 'Prometheus Alertmanager API v2 (active alerts)',
  load: implementations.incidents.alertmanager,
});
