import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty, sampleInterval } from '../../settings-common.js';

export const httpMetricsSettings = z.strictObject({
  type: z.literal('http'),
  url: httpUrl.describe(
    "a template: {{query}} (the metric's rendered query), {{cohort}}, {{metric}}, {{from}}/{{to}} (unix seconds) and {{fromMs}}/{{toMs}} are expanded, each URL-encoded",
  ),
  jsonPath: nonEmpty.describe(
    'JSONPath to a number, a {timestamp, value} object, or a list of [timestamp, value] pairs or {timestamp, value} objects; {{cohort}} is expanded',
  ),
  headers: headersMap.optional().describe('extra request headers (secrets from the environment)'),
  interval: sampleInterval
    .default('1m')
    .describe(
      "how often the endpoint's data is sampled: a window must hold a point per interval (a metric's `interval` wins)",
    ),
  ...httpSettings,
});
export type HttpMetricsSettings = z.infer<typeof httpMetricsSettings>;
