/** The pagerduty incidents adapter: PagerDuty REST API v2 (open incidents). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { pagerDutySettings } from './settings.js';

export const pagerDutyIncidentsAdapter = defineAdapter({
  type: 'pagerduty',
  role: 'incidents',
  settings: pagerDutySettings,
  describe: 'PagerDuty REST API v2 (open incidents)',
  load: implementations.incidents.pagerduty,
});
