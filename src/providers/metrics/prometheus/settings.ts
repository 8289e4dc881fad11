import { z } from 'zod';
import { headersMap, httpSettings, httpUrl } from '../../settings-common.js';

export const prometheusSettings = z.strictObject({
  type: z.literal('prometheus'),
  url: httpUrl,
  headers: headersMap.optional(),
  /** the query resolution; widened automatically to stay under Prometheus' 11,000 points per series */
  step: z
    .string()
    .regex(/^\d+(s|m|h)$/, 'expected a step such as 60s or 5m')
    .optional(),
  ...httpSettings,
});
export type PrometheusSettings = z.infer<typeof prometheusSettings>;
