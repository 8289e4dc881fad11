import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty, sampleInterval } from '../../settings-common.js';

export const datadogSettings = z.strictObject({
  type: z.literal('datadog'),
  site: nonEmpty.default('datadoghq.com'),
  apiKey: nonEmpty,
  appKey: nonEmpty,
  /** overrides the API base derived from `site` (for proxies and tests) */
  url: httpUrl.optional(),
  /** `v2` timeseries (default) or `v1` query */
  api: z.enum(['v1', 'v2']).default('v2'),
  /** the rollup interval asked of Datadog (v2); by default about 300 points over the window, as Datadog picks */
  interval: sampleInterval.optional(),
  ...httpSettings,
});
export type DatadogSettings = z.infer<typeof datadogSettings>;
