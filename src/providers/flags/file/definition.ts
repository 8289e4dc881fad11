/** The file flags adapter: a flagd flag-definition JSON file. Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { fileFlagSettings } from './settings.js';

export const fileFlagsAdapter = defineAdapter({
  type: 'file',
  role: 'flags',
  settings: fileFlagSettings,
  describe: 'a flagd flag-definition JSON file',
  load: implementations.flags.file,
});
