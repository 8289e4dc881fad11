import { z } from 'zod';
import { nonEmpty } from '../../settings-common.js';

export const fileFlagSettings = z.strictObject({ type: z.literal('file'), path: nonEmpty });
export type FileFlagSettings = z.infer<typeof fileFlagSettings>;
