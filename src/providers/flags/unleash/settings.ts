import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty, pathSegment } from '../../settings-common.js';

export const unleashSettings = z.strictObject({
  type: z.literal('unleash'),
  url: httpUrl.describe('the Unleash server, e.g. https://unleash.example.com'),
  token: nonEmpty.describe('an admin or personal access token, from the environment: "${UNLEASH_TOKEN}"'),
  project: pathSegment.default('default').describe('the Unleash project'),
  environment: pathSegment.describe('the environment the flag is changed in, e.g. production'),
  stickiness: nonEmpty
    .default('default')
    .describe('the context field that keeps a user in the same bucket as traffic grows'),
  ...httpSettings,
});
export type UnleashSettings = z.infer<typeof unleashSettings>;
