import { z } from 'zod';
import { nonEmpty, sampleInterval } from '../../settings-common.js';

export const fileMetricsSettings = z.strictObject({
  type: z.literal('file'),
  path: nonEmpty,
  /** how often the file's series are sampled; by default the typical spacing of the rows over the whole file */
  interval: sampleInterval.optional(),
});
export type FileMetricsSettings = z.infer<typeof fileMetricsSettings>;
