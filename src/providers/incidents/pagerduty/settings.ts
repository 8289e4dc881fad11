import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const pagerDutySettings = z.strictObject({
  type: z.literal('pagerduty'),
  token: nonEmpty.describe('a REST API key, from the environment: "${PAGERDUTY_TOKEN}"'),
  serviceIds: z
    .array(nonEmpty)
    .min(1, 'name at least one PagerDuty service id')
    .describe('the services whose open incidents hold the gate'),
  url: httpUrl.default('https://api.pagerduty.com').describe('the API base URL'),
  severityMap: z
    .record(z.string(), z.enum(['critical', 'high', 'medium', 'low']))
    .optional()
    .describe(
      "maps priority names to the plan's severities, over the defaults P1 critical, P2 high, P3 medium, P4/P5 low, e.g. { SEV-1: critical }; matching ignores case",
    ),
  ...httpSettings,
});
export type PagerDutySettings = z.infer<typeof pagerDutySettings>;
