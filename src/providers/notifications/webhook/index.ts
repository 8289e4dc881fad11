/**
 * A generic JSON webhook (our own contract, providers.md §9). One POST per event:
 *
 *   POST <url>
 *   Content-Type: application/json
 *   X-Rollout-Event: advanced
 *   X-Rollout-Id: <the body's id>
 *   X-Rollout-Timestamp: <unix seconds when sent>            (with `secret`)
 *   X-Rollout-Signature: sha256=<hex HMAC-SHA256(secret, raw body bytes)>   (with `secret`)
 *
 *   {"event":"advanced","id":"…","plan":"checkout","title":"…","phase":"canary-5","to":"canary-25",
 *    "summary":"…","lines":["…"],"at":"2026-11-30T07:00:00.000Z"}
 *
 * 2xx is success; 429 and 502/503/504 are retried with the same body (so the same signature), and
 * `id` is derived from the event, so a receiver de-duplicates retries and re-runs by it.
 *
 * Verifying a delivery (receiver side):
 *   1. Read the raw request body as bytes, before any JSON parsing (re-serialising changes the bytes).
 *   2. expected = "sha256=" + hex(HMAC-SHA256(key = the shared secret as UTF-8, message = raw body)).
 *   3. Compare expected with X-Rollout-Signature in constant time (Node: crypto.timingSafeEqual on
 *      equal-length buffers); reject on mismatch.
 *   4. Only the body is signed: to refuse replays, reject an `at` (or X-Rollout-Timestamp) too far from
 *      your clock, and an `id` you have already processed.
 *   In Node:
 *     const mac = createHmac('sha256', secret).update(rawBody).digest('hex');
 *     const ok = sig.length === mac.length + 7 && timingSafeEqual(Buffer.from(sig), Buffer.from(`sha256=${mac}`));
 */
import { createHash, createHmac } from 'node:crypto';
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { createMasker } from '../../http-mask.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext, NotificationEvent, Notifier } from '../../types.js';
import type { WebhookSettings } from './settings.js';

const PROVIDER = 'Webhook';

export interface WebhookBody {
  event: NotificationEvent['kind'];
  /** the same for the same event: a receiver's de-duplication key */
  id: string;
  plan: string;
  title: string;
  phase: string;
  to: string | null;
  summary: string;
  lines: string[];
  at: string;
}

export function webhookBody(e: NotificationEvent): WebhookBody {
  const id = createHash('sha256')
    .update(JSON.stringify([e.plan, e.kind, e.phase, e.to ?? null, e.at]))
    .digest('hex')
    .slice(0, 32);
  return {
    event: e.kind,
    id,
    plan: e.plan,
    title: e.title,
    phase: e.phase,
    to: e.to ?? null,
    summary: e.summary,
    lines: e.lines,
    at: e.at,
  };
}

/** `sha256=<hex>` over the exact bytes sent. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

export async function createWebhookNotifier(settings: WebhookSettings, ctx: AdapterContext): Promise<Notifier> {
  // relative to the origin, so messages show the path only
  const origin = ORIGIN.exec(settings.url)?.[0] ?? settings.url;
  const path = settings.url.slice(origin.length) || '/';
  // the client does not know the signing secret; a receiver echoing it must not put it in an error
  const mask = createMasker(settings.secret ? [settings.secret] : []);
  const http = createHttpClient({
    provider: PROVIDER,
    baseURL: origin,
    headers: settings.headers,
    credentials: Object.keys(settings.headers ?? {})
      .map((h) => ({ setting: `headers.${h}`, env: ctx.envOf(`headers.${h}`) }))
      .filter((c) => c.env !== undefined),
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });

  return {
    async send(event: NotificationEvent): Promise<void> {
      const payload = webhookBody(event);
      // serialised once: the signature covers these bytes, and a retry re-sends them unchanged
      const body = JSON.stringify(payload);
      const signed: Record<string, string> = settings.secret
        ? {
            // transport time, from the wall clock: a drill's ROLLOUT_NOW would make every delivery look stale
            'X-Rollout-Timestamp': String(Math.floor(Date.now() / 1000)),
            'X-Rollout-Signature': signBody(settings.secret, Buffer.from(body, 'utf8')),
          }
        : {};
      try {
        await http.request({
          method: 'POST',
          url: path,
          data: body,
          headers: {
            'Content-Type': 'application/json',
            'X-Rollout-Event': payload.event,
            'X-Rollout-Id': payload.id,
            ...signed,
          },
          responseType: 'text',
          // the id makes a duplicate harmless
          idempotent: true,
        });
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
export { createWebhookNotifier as create };
