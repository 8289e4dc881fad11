/**
 * Slack incoming webhook (providers.md §9): one POST per event with the blocks of ./blocks.ts. Slack
 * answers 200 with the plain text `ok`; anything else is a failure whose plain-text body
 * (`invalid_payload`, `no_service`, `channel_not_found`…) is the reason.
 *
 * The webhook URL is the credential, and its secret is the path: the shared client masks userinfo and
 * credential query parameters but shows paths, so every error from here has the path masked as well.
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext, NotificationEvent, Notifier } from '../../types.js';
import { buildSlackMessage } from './blocks.js';
import type { SlackSettings } from './settings.js';

const PROVIDER = 'Slack';

/** `https://hooks.slack.com/services/T0/B0/XXXX` → `https://hooks.slack.com/services/***`, in every form it may take. */
export function webhookMasker(webhookUrl: string): (text: string) => string {
  const u = new URL(webhookUrl);
  const [first, ...rest] = u.pathname.split('/').filter(Boolean);
  const shown = first && rest.length > 0 ? `/${first}/***` : '/***';
  const pairs: Array<[string, string]> = [
    [webhookUrl, `${u.origin}${shown}`],
    [`${u.origin}${u.pathname}`, `${u.origin}${shown}`],
    [u.pathname, shown],
    [decodeURIComponent(u.pathname), shown],
    [rest.join('/'), '***'],
    ...rest.filter((s) => s.length >= 8).map((s): [string, string] => [s, '***']),
  ];
  // longest first, so a secret containing another is masked whole
  const ordered = pairs.filter(([s]) => s.length >= 4 && s !== '/').sort((a, b) => b[0].length - a[0].length);
  return (text) => ordered.reduce((out, [s, by]) => out.split(s).join(by), text);
}

export async function createSlackNotifier(settings: SlackSettings, ctx: AdapterContext): Promise<Notifier> {
  const origin = new URL(settings.webhookUrl).origin;
  const mask = webhookMasker(settings.webhookUrl);
  const http = createHttpClient({
    provider: PROVIDER,
    baseURL: origin,
    credential: { setting: 'webhookUrl', env: ctx.envOf('webhookUrl') },
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });

  return {
    async send(event: NotificationEvent): Promise<void> {
      try {
        const res = await http.request<string>({
          method: 'POST',
          url: settings.webhookUrl,
          data: buildSlackMessage(event),
          responseType: 'text',
          // Slack answers 429 before posting; after a 5xx or a timeout a retry may post twice, which is
          // better than a rollback nobody heard about
          idempotent: true,
        });
        // "Treat anything other than 200 as failure"; an HTML page is a proxy or login page, not Slack
        if (res.status !== 200 || /^\s*</.test(res.data)) {
          throw new ProviderError(
            ctx.name,
            `${PROVIDER} answered ${res.status} with ${res.data.trim() === '' ? 'an empty body' : JSON.stringify(res.data.trim().slice(0, 80))} instead of "ok"`,
            {
              status: res.status,
              hint: 'check webhookUrl is a Slack incoming webhook',
            },
          );
        }
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        throw new ProviderError(e.provider, mask(e.message), {
          ...(e.status !== undefined ? { status: e.status } : {}),
          ...(e.hint !== undefined ? { hint: mask(e.hint) } : {}),
        });
      }
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createSlackNotifier as create };
