import { z } from 'zod';
import { nonEmpty } from '../../settings-common.js';

export const fileIncidentsSettings = z.strictObject({ type: z.literal('file'), path: nonEmpty });
export type FileIncidentsSettings = z.infer<typeof fileIncidentsSettings>;
