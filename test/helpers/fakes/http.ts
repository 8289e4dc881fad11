/**
 * Loopback HTTP servers for adapter tests: `startServer(handler)` on 127.0.0.1, port 0, recording every
 * request; plus a queue of injected faults (statuses, delays, malformed bodies, dropped sockets) that
 * any fake can consult before its normal handling.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** path and query as sent */
  url: string;
  path: string;
  query: URLSearchParams;
  /** lower-case names */
  headers: Record<string, string>;
  body: string;
  /** Date.now() when the request arrived */
  at: number;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close: () => Promise<void>;
}

export async function startServer(handler: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = record(req, Buffer.concat(chunks).toString('utf8'), at);
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { message: `fake server error: ${String(e)}` });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function record(req: IncomingMessage, body: string, at: number): RecordedRequest {
  const u = new URL(req.url ?? '/', 'http://fake');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    path: u.pathname,
    query: u.searchParams,
    headers,
    body,
    at,
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** One injected misbehaviour. `delay` only slows the normal answer down; the others replace it. */
export type Fault =
  | {
      kind: 'status';
      status: number;
      body?: unknown;
      headers?: Record<string, string> | (() => Record<string, string>);
    }
  | { kind: 'delay'; ms: number }
  | { kind: 'html' }
  | { kind: 'truncated' }
  | { kind: 'body'; body: unknown; status?: number }
  | { kind: 'text'; body: string; status?: number; contentType?: string }
  | { kind: 'drop' };

interface Queued {
  fault: Fault;
  remaining: number;
  method?: string | undefined;
}

/**
 * Faults applied to the next matching requests, in the order they were injected.
 * `apply` returns true when it answered the request itself.
 */
export class FaultQueue {
  private readonly queue: Queued[] = [];

  inject(fault: Fault, opts: { times?: number; method?: string } = {}): void {
    this.queue.push({ fault, remaining: opts.times ?? 1, method: opts.method?.toUpperCase() });
  }

  clear(): void {
    this.queue.length = 0;
  }

  async apply(req: RecordedRequest, res: ServerResponse): Promise<boolean> {
    const q = this.queue.find((x) => x.remaining > 0 && (x.method === undefined || x.method === req.method));
    if (!q) return false;
    q.remaining -= 1;
    const f = q.fault;
    switch (f.kind) {
      case 'delay':
        await new Promise((r) => setTimeout(r, f.ms));
        return res.destroyed;
      case 'status': {
        const headers = typeof f.headers === 'function' ? f.headers() : (f.headers ?? {});
        sendJson(res, f.status, f.body ?? { message: `injected ${f.status}` }, headers);
        return true;
      }
      case 'html':
        sendText(
          res,
          200,
          '<!DOCTYPE html><html><head><title>Sign in</title></head><body>login</body></html>',
          'text/html',
        );
        return true;
      case 'truncated':
        sendText(res, 200, '{"data":{"attributes":{"times":[1,2', 'application/json');
        return true;
      case 'body':
        sendJson(res, f.status ?? 200, f.body);
        return true;
      case 'text':
        sendText(res, f.status ?? 200, f.body, f.contentType ?? 'text/plain');
        return true;
      case 'drop':
        res.socket?.destroy();
        return true;
    }
  }
}
