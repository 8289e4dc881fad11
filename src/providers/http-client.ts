/**
 * The one HTTP client every adapter uses (contract in ./http.ts). Retries are written here rather than
 * with axios-retry: the total-timeout budget, "rate-limited beyond the budget: fail now", the
 * sent/not-sent rule for non-idempotent writes and the attempt counts in messages all need the loop's
 * own state, which a retry interceptor would hide.
 */
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { ProviderError } from '../errors.js';
import { VERSION } from '../version.js';
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './http.js';
import { createMasker, headerSecrets, paramSecrets, urlSecrets } from './http-mask.js';
import { errorCode, originOf, pathOf, plainHeaders } from './http-parts.js';
import { attemptsPhrase, bodyExcerpt, statusMessage, type Attempts } from './http-messages.js';
import {
  DEFAULT_BACKOFF,
  NEVER_RETRY,
  NOT_SENT_CODES,
  RETRY_CODES,
  RETRY_STATUSES,
  backoffMs,
  formatElapsed,
  jitterMs,
  serverWaitMs,
  sleep,
} from './http-retry.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 4;
const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_(GET|VERIFY)/;

type Fail = (message: string, extra?: { status?: number; hint?: string }) => ProviderError;

type Outcome =
  | { kind: 'response'; res: AxiosResponse<string> }
  | { kind: 'timeout'; limitMs: number; byTotal: boolean }
  | { kind: 'network'; code: string };

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const totalMs = opts.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const retries = opts.retries ?? DEFAULT_RETRIES;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const retryStatuses = new Set([...RETRY_STATUSES, ...(opts.retryStatuses ?? [])].filter((s) => !NEVER_RETRY.has(s)));
  const baseMask = [...headerSecrets(opts.headers), ...urlSecrets(opts.baseURL)];
  const mask = createMasker(baseMask);

  if (opts.insecureSkipTlsVerify && opts.warn) {
    opts.warn(
      mask(
        `${opts.provider}: TLS certificate verification is off (insecureSkipTlsVerify: true); anyone on the network path ` +
          `can read the credentials and forge answers. Use it only against test servers.`,
      ),
    );
  }

  const http: AxiosInstance = axios.create({
    baseURL: opts.baseURL,
    headers: { 'User-Agent': `rollout/${VERSION}`, ...opts.headers },
    // our own timer aborts each attempt; axios's socket timeout would not bound a slow body
    timeout: 0,
    // a cross-origin redirect would carry custom credential headers (DD-API-KEY) to another host
    maxRedirects: 0,
    maxContentLength: 50 * 1024 * 1024,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    validateStatus: () => true,
    paramsSerializer: { indexes: null },
    ...(opts.insecureSkipTlsVerify ? { httpsAgent: new https.Agent({ rejectUnauthorized: false }) } : {}),
  });

  return {
    async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
      const reqMask = createMasker([
        ...baseMask,
        ...headerSecrets(req.headers),
        ...urlSecrets(req.url),
        ...paramSecrets(req.params),
      ]);
      const where = `${req.method} ${pathOf(req.url, opts.baseURL)}`;
      // no `cause`: axios errors carry the request config, headers and all
      const fail: Fail = (message, extra = {}) =>
        new ProviderError(opts.provider, reqMask(message), {
          ...(extra.status !== undefined ? { status: extra.status } : {}),
          ...(extra.hint !== undefined ? { hint: reqMask(extra.hint) } : {}),
        });
      return run<T>(req, where, fail);
    },
  };

  async function run<T>(req: HttpRequest, where: string, fail: Fail): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? true;
    const started = Date.now();
    const deadline = started + totalMs;
    const attempts = (count: number): Attempts => ({ count, elapsedMs: Date.now() - started });

    for (let attempt = 1; ; attempt++) {
      const limitMs = Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
      const outcome = await send(req, limitMs, limitMs < timeoutMs);
      let retryable = false;
      let serverWait: number | undefined;
      let finalError: () => ProviderError;

      if (outcome.kind === 'response') {
        const { res } = outcome;
        const headers = plainHeaders(res.headers);
        const body = typeof res.data === 'string' ? res.data : String(res.data ?? '');
        if ((res.status >= 200 && res.status < 300) || req.acceptStatuses?.includes(res.status)) {
          return { status: res.status, headers, data: parseBody<T>(body, res.status, req, where, fail) };
        }
        retryable = retryStatuses.has(res.status) && idempotent;
        serverWait = serverWaitMs(headers, opts.resetHeader, Date.now());
        finalError = () => {
          if (res.status === 429) return rateLimited(where, attempts(attempt), serverWait, fail);
          const { message, hint } = statusMessage({
            opts,
            status: res.status,
            where,
            body,
            attempts: attempts(attempt),
          });
          return fail(message, { status: res.status, ...(hint ? { hint } : {}) });
        };
      } else if (outcome.kind === 'timeout') {
        // a timed-out write may have landed: only idempotent requests go again
        retryable = idempotent && !outcome.byTotal;
        finalError = () =>
          outcome.byTotal
            ? fail(
                `${opts.provider} did not answer within the ${formatElapsed(totalMs)} total timeout (${where})${attemptsPhrase(attempts(attempt))}`,
                {
                  hint: 'raise totalTimeout in the provider settings or check the provider is healthy',
                },
              )
            : fail(
                `${opts.provider} did not answer within ${formatElapsed(outcome.limitMs)} (${where})${attemptsPhrase(attempts(attempt))}`,
                {
                  hint: 'raise timeout in the provider settings or check the provider is healthy',
                },
              );
      } else {
        retryable = RETRY_CODES.has(outcome.code) && (idempotent || NOT_SENT_CODES.has(outcome.code));
        finalError = () => networkError(outcome.code, where, attempts(attempt), fail);
      }

      if (!retryable || attempt > retries) throw finalError();
      const wait = serverWait !== undefined ? serverWait + jitterMs(serverWait) : backoffMs(attempt, backoff);
      const left = deadline - Date.now();
      if (wait >= left) {
        if (serverWait !== undefined && outcome.kind === 'response' && outcome.res.status === 429) {
          throw rateLimited(where, attempts(attempt), serverWait, fail, totalMs);
        }
        throw finalError();
      }
      await sleep(wait);
    }
  }

  async function send(req: HttpRequest, limitMs: number, byTotal: boolean): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limitMs);
    try {
      const res = await http.request<string>({
        method: req.method,
        url: req.url,
        params: req.params,
        headers: {
          ...(req.data !== undefined && typeof req.data !== 'string' ? { 'Content-Type': 'application/json' } : {}),
          ...(req.responseType === 'text' ? {} : { Accept: 'application/json' }),
          ...req.headers,
        },
        data: req.data === undefined || typeof req.data === 'string' ? req.data : JSON.stringify(req.data),
        signal: controller.signal,
      });
      return { kind: 'response', res };
    } catch (e) {
      if (timedOut) return { kind: 'timeout', limitMs, byTotal };
      return { kind: 'network', code: errorCode(e) };
    } finally {
      clearTimeout(timer);
    }
  }

  function rateLimited(
    where: string,
    a: Attempts,
    waitMs: number | undefined,
    fail: Fail,
    budgetMs?: number,
  ): ProviderError {
    const resets =
      waitMs === undefined
        ? ''
        : `; the limit resets in ${formatElapsed(waitMs)} (at ${new Date(Date.now() + waitMs).toISOString()})`;
    const beyond = budgetMs === undefined ? '' : `, beyond the ${formatElapsed(budgetMs)} total timeout`;
    return fail(`${opts.provider} rate-limited us (429 on ${where})${attemptsPhrase(a)}${resets}${beyond}`, {
      status: 429,
      hint: 'try again after the reset, or run less often',
    });
  }

  function networkError(code: string, where: string, a: Attempts, fail: Fail): ProviderError {
    const origin = originOf(opts.baseURL);
    if (code === 'ENOTFOUND') {
      return fail(`could not resolve the host of ${opts.provider} at ${origin} (ENOTFOUND)`, {
        hint: 'check the provider url',
      });
    }
    if (TLS_CODES.test(code)) {
      return fail(`${opts.provider} at ${origin} presented a TLS certificate that was not accepted (${code})`, {
        hint: 'fix the certificate, or point NODE_EXTRA_CA_CERTS at your CA bundle; insecureSkipTlsVerify is for test servers only',
      });
    }
    const verb = code === 'ECONNREFUSED' ? 'could not connect to' : 'lost the connection to';
    return fail(`${verb} ${opts.provider} at ${origin} (${code}, ${where})${attemptsPhrase(a)}`, {
      hint: 'check the provider url, the network and any HTTP(S)_PROXY settings',
    });
  }

  function parseBody<T>(body: string, status: number, req: HttpRequest, where: string, fail: Fail): T {
    if (req.responseType === 'text') return body as T;
    if (body.trim() === '') return undefined as T;
    try {
      return JSON.parse(body) as T;
    } catch {
      const excerpt = bodyExcerpt(body);
      throw fail(
        `${opts.provider} returned a malformed body (expected JSON) for ${where}${excerpt ? `: ${excerpt}` : ''}`,
        {
          status,
          hint: 'check the url points at the provider API, not a login page or proxy',
        },
      );
    }
  }
}
