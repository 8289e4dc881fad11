import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const pagerDutySettings = z.strictObject({
  type: z.literal('pagerduty'),
  token: nonEmpty,
  serviceIds: z.array(nonEmpty).min(1, 'name at least one PagerDuty service id'),
  url: httpUrl.default('https://api.pagerduty.com'),
  /**
   * maps priority names to the plan's severities, over the defaults P1 critical, P2 high, P3 medium,
   * P4/P5 low, e.g. { SEV-1: critical, SEV-2: high }; matching ignores case
   */
  severityMap: z.record(z.string(), z.enum(['critical', 'high', 'medium', 'low'])).optional(),
  ...httpSettings,
});
export type PagerDutySettings = z.infer<typeof pagerDutySettings>;
