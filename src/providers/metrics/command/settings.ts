import { z } from 'zod';

export const commandMetricsSettings = z.strictObject({
  type: z.literal('command'),
  timeout: z.string().regex(/^\d+(ms|s|m)$/, 'expected a duration such as 30s').default('30s'),
  /** the working directory, relative to the plan file */
  cwd: z.string().optional(),
});
export type CommandMetricsSettings = z.infer<typeof commandMetricsSettings>;
