/** The slack notifications adapter: Slack incoming webhook (blocks). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { slackSettings } from './settings.js';

export const slackNotifierAdapter = defineAdapter({
  type: 'slack',
  role: 'notifications',
  settings: slackSettings,
  describe: 'Slack incoming webhook (blocks)',
  load: implementations.notifications.slack,
});
