/**
 * A loopback Slack incoming webhook (providers.md §9 and its appendix): `POST /services/T…/B…/<secret>`
 * answers 200 with the plain text `ok`; errors are plain-text bodies, not JSON: 400 `invalid_payload`
 * (not JSON) or `no_text` (neither text nor blocks), 403 `action_prohibited`, 404 `no_service` (an
 * unknown hook), 410 `channel_is_archived`, 500 `rollup_error`, 429 `rate_limited` with `Retry-After`.
 * Accepted payloads are recorded.
 */
import { FaultQueue, sendText, startServer, type FakeServer } from './http.js';

export interface SlackFake extends FakeServer {
  faults: FaultQueue;
  /** the payloads posted to the hook, parsed */
  payloads: Array<{ text?: string; blocks?: unknown[] }>;
  /** the full webhook URL (its path is the secret) */
  webhookUrl: string;
  /** the next `times` posts answer 429 with `Retry-After: retryAfterS` */
  rateLimit(opts: { retryAfterS: number; times?: number }): void;
  /** the next `times` posts answer `status` with a plain-text error body */
  failWith(status: number, body: string, times?: number): void;
  /** forgets requests, payloads, rate limits and faults */
  reset(): void;
}

export async function startSlackFake(opts: { hookPath: string }): Promise<SlackFake> {
  const faults = new FaultQueue();
  const payloads: SlackFake['payloads'] = [];
  // kept here rather than in the fault queue, whose status faults answer JSON: Slack's bodies are text
  const limits: Array<{ retryAfterS: number; remaining: number }> = [];

  const server = await startServer(async (req, res) => {
    const limit = limits.find((l) => l.remaining > 0);
    if (limit) {
      limit.remaining -= 1;
      return sendText(res, 429, 'rate_limited', 'text/plain', { 'Retry-After': String(limit.retryAfterS) });
    }
    if (await faults.apply(req, res)) return;
    if (req.method !== 'POST' || req.path !== opts.hookPath) return sendText(res, 404, 'no_service');
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return sendText(res, 400, 'invalid_payload');
    }
    const p = body as { text?: unknown; blocks?: unknown };
    if (typeof p !== 'object' || p === null || (typeof p.text !== 'string' && !Array.isArray(p.blocks)))
      return sendText(res, 400, 'no_text');
    if (p.blocks !== undefined && (!Array.isArray(p.blocks) || p.blocks.length > 50))
      return sendText(res, 400, 'invalid_blocks');
    payloads.push(p as SlackFake['payloads'][number]);
    sendText(res, 200, 'ok', 'text/html');
  });

  return {
    ...server,
    faults,
    payloads,
    webhookUrl: `${server.url}${opts.hookPath}`,
    rateLimit: ({ retryAfterS, times }) => void limits.push({ retryAfterS, remaining: times ?? 1 }),
    failWith: (status, body, times) => faults.inject({ kind: 'text', status, body }, { times: times ?? 1 }),
    reset: () => {
      server.requests.length = 0;
      payloads.length = 0;
      limits.length = 0;
      faults.clear();
    },
  };
}
