import { z } from 'zod';
import { httpSettings, httpUrl } from '../../settings-common.js';

export const slackSettings = z.strictObject({
  type: z.literal('slack'),
  webhookUrl: httpUrl.describe('the incoming webhook URL, itself a secret: "${SLACK_WEBHOOK_URL}"'),
  ...httpSettings,
});
export type SlackSettings = z.infer<typeof slackSettings>;
