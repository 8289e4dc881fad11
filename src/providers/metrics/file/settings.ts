import { z } from 'zod';
import { nonEmpty } from '../../settings-common.js';

export const fileMetricsSettings = z.strictObject({ type: z.literal('file'), path: nonEmpty });
export type FileMetricsSettings = z.infer<typeof fileMetricsSettings>;
