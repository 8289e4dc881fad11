import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const alertmanagerSettings = z.strictObject({
  type: z.literal('alertmanager'),
  url: httpUrl.describe('the Alertmanager, e.g. http://alertmanager:9093'),
  filter: z
    .union([nonEmpty, z.array(nonEmpty)])
    .optional()
    .describe('label matchers such as service="recommendations", ANDed'),
  severityLabel: nonEmpty.default('severity').describe("the label that holds an alert's severity"),
  severityMap: z
    .record(z.string(), z.enum(['critical', 'high', 'medium', 'low']))
    .optional()
    .describe("maps label values to the plan's severities, e.g. { page: critical, warning: medium }"),
  headers: headersMap.optional().describe('extra request headers (secrets from the environment)'),
  ...httpSettings,
});
export type AlertmanagerSettings = z.infer<typeof alertmanagerSettings>;
