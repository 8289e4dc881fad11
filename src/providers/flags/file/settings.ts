import { z } from 'zod';
import { nonEmpty } from '../../settings-common.js';

export const fileFlagSettings = z.strictObject({
  type: z.literal('file'),
  path: nonEmpty.describe('the flagd flag-definition JSON file, relative to the plan (created when missing)'),
});
export type FileFlagSettings = z.infer<typeof fileFlagSettings>;
