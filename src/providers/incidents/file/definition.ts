/** The file incidents adapter: a JSON file of incidents. Loaded only when a plan uses it. */
import { defineAdapter } from '../../definition.js';
import { implementations } from '../../implementations.js';
import { fileIncidentsSettings } from './settings.js';

export const fileIncidentsAdapter = defineAdapter({
  type: 'file',
  role: 'incidents',
  settings: fileIncidentsSettings,
  describe: 'a JSON file of incidents',
  load: implementations.incidents.file,
});
