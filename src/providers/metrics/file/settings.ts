import { z } from 'zod';
import { nonEmpty, sampleInterval } from '../../settings-common.js';

export const fileMetricsSettings = z.strictObject({
  type: z.literal('file'),
  path: nonEmpty.describe('a CSV or JSON file of timestamp,metric,cohort,value rows, relative to the plan'),
  interval: sampleInterval
    .optional()
    .describe(
      "how often the file's series are sampled; by default the typical spacing of the rows over the whole file",
    ),
});
export type FileMetricsSettings = z.infer<typeof fileMetricsSettings>;
