import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const httpMetricsSettings = z.strictObject({
  type: z.literal('http'),
  /** a template: {{query}}, {{cohort}}, {{from}}, {{to}} and the plan's variables are expanded */
  url: httpUrl,
  /** JSONPath to the value, or to a list of [timestamp, value] pairs or {timestamp, value} objects */
  jsonPath: nonEmpty,
  headers: headersMap.optional(),
  ...httpSettings,
});
export type HttpMetricsSettings = z.infer<typeof httpMetricsSettings>;
