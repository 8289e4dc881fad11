import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty, pathSegment } from '../../settings-common.js';

export const unleashSettings = z.strictObject({
  type: z.literal('unleash'),
  url: httpUrl,
  /** an admin or personal access token, from the environment: "${UNLEASH_TOKEN}" */
  token: nonEmpty,
  project: pathSegment.default('default'),
  environment: pathSegment,
  /** the context field that keeps a user in the same bucket as traffic grows */
  stickiness: nonEmpty.default('default'),
  ...httpSettings,
});
export type UnleashSettings = z.infer<typeof unleashSettings>;
