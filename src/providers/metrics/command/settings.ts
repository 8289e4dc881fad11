import { z } from 'zod';
import { sampleInterval } from '../../settings-common.js';

export const commandMetricsSettings = z.strictObject({
  type: z.literal('command'),
  timeout: z
    .string()
    .regex(/^\d+(ms|s|m)$/, 'expected a duration such as 30s')
    .default('30s'),
  /** the working directory, relative to the plan file */
  cwd: z.string().optional(),
  /** how often the command's data is sampled: a window must hold a point per interval (a metric's `interval` wins) */
  interval: sampleInterval.default('1m'),
});
export type CommandMetricsSettings = z.infer<typeof commandMetricsSettings>;
