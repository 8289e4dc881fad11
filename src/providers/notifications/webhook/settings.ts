import { z } from 'zod';
import { headersMap, httpSettings, httpUrl, nonEmpty } from '../../settings-common.js';

export const webhookSettings = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl.describe('where the JSON event is POSTed'),
  secret: nonEmpty.optional().describe('signs the body with HMAC-SHA256 in the X-Rollout-Signature header'),
  headers: headersMap.optional().describe('extra request headers (secrets from the environment)'),
  ...httpSettings,
});
export type WebhookSettings = z.infer<typeof webhookSettings>;
