import { z } from 'zod';
import { sampleInterval } from '../../settings-common.js';

export const commandMetricsSettings = z.strictObject({
  type: z.literal('command'),
  timeout: z
    .string()
    .regex(/^\d+(ms|s|m)$/, 'expected a duration such as 30s')
    .default('30s')
    .describe('how long a query command may run before its process group is stopped'),
  cwd: z.string().optional().describe('the working directory, relative to the plan file'),
  interval: sampleInterval
    .default('1m')
    .describe(
      "how often the command's data is sampled: a window must hold a point per interval (a metric's `interval` wins)",
    ),
});
export type CommandMetricsSettings = z.infer<typeof commandMetricsSettings>;
