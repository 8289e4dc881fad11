/**
 * The one HTTP client setup every adapter uses (axios): per-request and total timeouts, retries with
 * exponential backoff and jitter on network errors, 429 and 502/503/504 honouring Retry-After and the
 * provider's reset header, no retry on 400/401/403/404, errors that name the provider and the
 * credential's environment variable, proxies from the environment, TLS verification on unless a
 * provider opts out (with a warning), and every secret redacted from errors.
 *
 * CONTRACT (implemented by the http-client work; adapters code against these signatures):
 */
export interface HttpClientOptions {
  /** display name used in messages: "LaunchDarkly", "Unleash", "Prometheus" */
  provider: string;
  baseURL: string;
  headers?: Record<string, string> | undefined;
  /** the setting that carries the credential and the env var it came from, for 401/403 messages */
  credential?: { setting: string; env?: string | undefined } | undefined;
  /** more credentials when a provider needs several (Datadog's apiKey and appKey); named together in 401/403 messages */
  credentials?: Array<{ setting: string; env?: string | undefined }> | undefined;
  timeoutMs?: number | undefined;
  totalTimeoutMs?: number | undefined;
  retries?: number | undefined;
  insecureSkipTlsVerify?: boolean | undefined;
  /** how the provider says when a rate limit resets */
  resetHeader?: { name: string; unit: 'epoch-ms' | 'epoch-s' | 'seconds-until' } | undefined;
  /** extra statuses to retry (LaunchDarkly 409) */
  retryStatuses?: number[] | undefined;
  warn?: ((message: string) => void) | undefined;
  /** exponential backoff between retries without a reset header: full jitter over base * 2^n, capped (defaults 500 ms, 8 s) */
  backoff?: { baseMs: number; maxMs: number } | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** relative to baseURL, or absolute */
  url: string;
  params?: Record<string, string | number | boolean | string[] | undefined> | undefined;
  data?: unknown;
  headers?: Record<string, string> | undefined;
  /** false for non-idempotent writes (Unleash POST strategies): never retried after the request was sent */
  idempotent?: boolean | undefined;
  /** statuses returned to the caller instead of thrown (e.g. 404 when absence is an answer) */
  acceptStatuses?: number[] | undefined;
  /** `json` (default): a 2xx body that is not JSON is a malformed answer; `text`: the body is returned as a string */
  responseType?: 'json' | 'text' | undefined;
}

export interface HttpResponse<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

export interface HttpClient {
  /** Sends a request; throws ProviderError (never an axios error) on any failure, with secrets redacted. */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
}

export { createHttpClient } from './http-client.js';
