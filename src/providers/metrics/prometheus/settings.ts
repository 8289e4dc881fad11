import { z } from 'zod';
import { headersMap, httpSettings, httpUrl } from '../../settings-common.js';

export const prometheusSettings = z.strictObject({
  type: z.literal('prometheus'),
  url: httpUrl.describe('the Prometheus server, e.g. http://prometheus:9090'),
  headers: headersMap.optional().describe('extra request headers (secrets from the environment)'),
  step: z
    .string()
    .regex(/^\d+(s|m|h)$/, 'expected a step such as 60s or 5m')
    .optional()
    .describe(
      "the query resolution (60s by default); widened automatically to stay under Prometheus' 11,000 points per series",
    ),
  ...httpSettings,
});
export type PrometheusSettings = z.infer<typeof prometheusSettings>;
