/** The webhook notifications adapter: a JSON POST, optionally signed with HMAC-SHA256. Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { webhookSettings } from './settings.js';

export const webhookNotifierAdapter = defineAdapter({
  type: 'webhook',
  role: 'notifications',
  settings: webhookSettings,
  describe: 'a JSON POST, optionally signed with HMAC-SHA256',
  load: implementations.notifications.webhook,
});
