import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

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
  ...httpSettings,
});
export type HttpMetricsSettings = z.infer<typeof httpMetricsSettings>;
