import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const webhookSettings = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  /** signs the body with HMAC-SHA256 in the X-Rollout-Signature header */
  secret: nonEmpty.optional(),
  headers: headersMap.optional(),
  ...httpSettings,
});
export type WebhookSettings = z.infer<typeof webhookSettings>;
