/** The command metrics adapter: a command that prints a number or JSON. Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { commandMetricsSettings } from './settings.js';

export const commandMetricsAdapter = defineAdapter({
  type: 'command',
  role: 'metrics',
  settings: commandMetricsSettings,
  describe: 'a command that prints a number or JSON',
  load: implementations.metrics.command,
});
