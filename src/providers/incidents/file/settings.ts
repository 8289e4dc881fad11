import { z } from 'zod';
import { nonEmpty } from '../../settings-common.js';

export const fileIncidentsSettings = z.strictObject({
  type: z.literal('file'),
  path: nonEmpty.describe('a JSON list of incidents, relative to the plan; [] when there are none'),
});
export type FileIncidentsSettings = z.infer<typeof fileIncidentsSettings>;
