import { z } from 'zod';

/** A duration such as `10s`, `2m`; checked again by the duration parser. */
const durationText = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration such as 10s or 2m');

/**
 * Settings every HTTP-based adapter accepts, on top of its own. The descriptions reach the plan's
 * JSON Schema (`rollout schema`), where editors show them.
 */
export const httpSettings = {
  timeout: durationText.optional().describe('per-request timeout, e.g. 10s'),
  totalTimeout: durationText.optional().describe('total time across retries, e.g. 30s'),
  retries: z.number().int().min(0).max(10).optional().describe('retries of a failed request (0-10)'),
  insecureSkipTlsVerify: z
    .boolean()
    .optional()
    .describe('turns TLS certificate verification off (a warning is printed on every run)'),
};

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
export const headersMap = z.record(z.string(), z.string());
export const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * How often a metrics provider's data is sampled (`15m`); the gate expects a window to hold a point
 * per interval. A metric's own `interval` in the plan wins over it.
 */
export const sampleInterval = z
  .string()
  .regex(/^(\d+(\.\d+)?(s|m|h|d))+$/, 'expected a duration such as 60s, 5m or 1h')
  .refine((s) => !/^(0+(\.0+)?(s|m|h|d))+$/.test(s), 'the interval must be longer than zero');
/** A name that becomes one path segment of an API URL: "." and ".." would be normalised away. */
export const pathSegment = nonEmpty.refine(
  (s) => s !== '.' && s !== '..',
  'cannot be "." or ".." (it names a path segment of the API)',
);
