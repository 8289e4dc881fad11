import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty, sampleInterval } from '../../settings-common.js';

export const httpMetricsSettings = z.strictObject({
  type: z.literal('http'),
  /**
   * a template: {{query}} (the metric's rendered query, where plan variables go), {{cohort}}, {{metric}},
   * {{from}}/{{to}} (unix seconds) and {{fromMs}}/{{toMs}} are expanded, each URL-encoded
   */
  url: httpUrl,
  /**
   * JSONPath (jsonpath-plus) to a number, a {timestamp, value} object, or a list of [timestamp, value]
   * pairs or {timestamp, value} objects; {{cohort}} is expanded
   */
  jsonPath: nonEmpty,
  headers: headersMap.optional(),
  /** how often the endpoint's data is sampled: a window must hold a point per interval (a metric's `interval` wins) */
  interval: sampleInterval.default('1m'),
  ...httpSettings,
});
export type HttpMetricsSettings = z.infer<typeof httpMetricsSettings>;
