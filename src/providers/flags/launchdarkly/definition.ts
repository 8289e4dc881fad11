/** The launchdarkly flags adapter: LaunchDarkly REST API v2 (semantic patch). Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { launchDarklySettings } from './settings.js';

export const launchDarklyFlagsAdapter = defineAdapter({
  type: 'launchdarkly',
  role: 'flags',
  settings: launchDarklySettings,
  describe: 'LaunchDarkly REST API v2 (semantic patch)',
  load: implementations.flags.launchdarkly,
});
