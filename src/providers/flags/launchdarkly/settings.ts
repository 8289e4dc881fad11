import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty, pathSegment } from '../../settings-common.js';

export const launchDarklySettings = z.strictObject({
  type: z.literal('launchdarkly'),
  project: pathSegment.describe('the LaunchDarkly project key'),
  environment: pathSegment.describe('the environment key, e.g. production'),
  token: nonEmpty.describe('an API access token, from the environment: "${LD_API_TOKEN}"'),
  url: httpUrl.default('https://app.launchdarkly.com').describe('the API base URL (for the EU or federal instances)'),
  contextKind: nonEmpty.default('user').describe('the context kind the rollout buckets by'),
  bucketBy: nonEmpty.optional().describe('the context attribute the rollout buckets by (the key by default)'),
  ...httpSettings,
});
export type LaunchDarklySettings = z.infer<typeof launchDarklySettings>;
