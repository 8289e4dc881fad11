/** The unleash flags adapter: Unleash Admin API (flexibleRollout strategy). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { unleashSettings } from './settings.js';

export const unleashFlagsAdapter = defineAdapter({
  type: 'unleash',
  role: 'flags',
  settings: unleashSettings,
  describe: 'Unleash Admin API (flexibleRollout strategy)',
  load: implementations.flags.unleash,
});
