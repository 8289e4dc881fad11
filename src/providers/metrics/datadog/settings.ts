import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty, sampleInterval } from '../../settings-common.js';

export const datadogSettings = z.strictObject({
  type: z.literal('datadog'),
  site: nonEmpty.default('datadoghq.com').describe('the Datadog site, e.g. datadoghq.eu'),
  apiKey: nonEmpty.describe('an API key, from the environment: "${DD_API_KEY}"'),
  appKey: nonEmpty.describe('an application key, from the environment: "${DD_APP_KEY}"'),
  url: httpUrl.optional().describe('overrides the API base derived from `site` (for proxies and tests)'),
  api: z.enum(['v1', 'v2']).default('v2').describe('`v2` timeseries (default) or `v1` query'),
  interval: sampleInterval
    .optional()
    .describe(
      'the rollup interval asked of Datadog (v2); by default about 300 points over the window, as Datadog picks',
    ),
  ...httpSettings,
});
export type DatadogSettings = z.infer<typeof datadogSettings>;
