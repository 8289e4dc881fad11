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
  cache: z
    .boolean()
    .optional()
    .describe(
      "keep the settled part of each range query in the user's cache folder (HMAC-signed, like the plan cache) and ask Prometheus only for what is newer, re-checking the last points it kept; off by default",
    ),
  settle: z
    .string()
    .regex(/^\d+(s|m|h)$/, 'expected a duration such as 5m')
    .optional()
    .describe(
      'with cache: how old a point must be before it is kept (5m by default: late samples still change newer ones)',
    ),
  ...httpSettings,
});
export type PrometheusSettings = z.infer<typeof prometheusSettings>;
