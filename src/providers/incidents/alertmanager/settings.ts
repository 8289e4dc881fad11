import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const alertmanagerSettings = z.strictObject({
  type: z.literal('alertmanager'),
  url: httpUrl,
  /** label matchers such as `service="recommendations"`, ANDed */
  filter: z.union([nonEmpty, z.array(nonEmpty)]).optional(),
  severityLabel: nonEmpty.default('severity'),
  /** maps label values to the plan's severities, e.g. { page: critical, warning: medium } */
  severityMap: z.record(z.string(), z.enum(['critical', 'high', 'medium', 'low'])).optional(),
  headers: headersMap.optional(),
  ...httpSettings,
});
export type AlertmanagerSettings = z.infer<typeof alertmanagerSettings>;
