import { z } from 'zod';
import { httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const pagerDutySettings = z.strictObject({
  type: z.literal('pagerduty'),
  token: nonEmpty,
  serviceIds: z.array(nonEmpty).min(1, 'name at least one PagerDuty service id'),
  url: httpUrl.default('https://api.pagerduty.com'),
  ...httpSettings,
});
export type PagerDutySettings = z.infer<typeof pagerDutySettings>;
