import { z } from 'zod';
import { httpSettings, httpUrl } from '../../settings-common.js';

export const slackSettings = z.strictObject({
  type: z.literal('slack'),
  /** the incoming webhook URL is itself a secret: "${SLACK_WEBHOOK_URL}" */
  webhookUrl: httpUrl,
  ...httpSettings,
});
export type SlackSettings = z.infer<typeof slackSettings>;
