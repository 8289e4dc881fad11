import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty, pathSegment } from '../../settings-common.js';

export const launchDarklySettings = z.strictObject({
  type: z.literal('launchdarkly'),
  project: pathSegment,
  environment: pathSegment,
  /** an API access token, from the environment: "${LD_API_TOKEN}" */
  token: nonEmpty,
  url: httpUrl.default('https://app.launchdarkly.com'),
  /** the context kind the rollout buckets by */
  contextKind: nonEmpty.default('user'),
  bucketBy: nonEmpty.optional(),
  ...httpSettings,
});
export type LaunchDarklySettings = z.infer<typeof launchDarklySettings>;
