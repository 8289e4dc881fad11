import { z } from 'zod';

/** A duration such as `10s`, `2m`; checked again by the duration parser. */
const durationText = z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration such as 10s or 2m');

/** Settings every HTTP-based adapter accepts, on top of its own. */
export const httpSettings = {
  /** per-request timeout */
  timeout: durationText.optional(),
  /** total time across retries */
  totalTimeout: durationText.optional(),
  retries: z.number().int().min(0).max(10).optional(),
  /** TLS verification stays on unless this is set; a warning is printed each run. */
  insecureSkipTlsVerify: z.boolean().optional(),
};

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });
export const headersMap = z.record(z.string(), z.string());
export const nonEmpty = z.string().min(1, 'must not be empty');
/** A name that becomes one path segment of an API URL: "." and ".." would be normalised away. */
export const pathSegment = nonEmpty.refine((s) => s !== '.' && s !== '..', 'cannot be "." or ".." (it names a path segment of the API)');
