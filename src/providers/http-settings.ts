/**
 * Turns the common HTTP settings of a plan (`timeout: 10s`, `retries: 3`, ...) into the options of the
 * shared client, so every adapter reads them the same way.
 */
import type { HttpClientOptions } from './http.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `10s` → 10000. The settings schema already checked the form; anything else is a bug. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export interface CommonHttpSettings {
  timeout?: string | undefined;
  totalTimeout?: string | undefined;
  retries?: number | undefined;
  insecureSkipTlsVerify?: boolean | undefined;
}

export function httpClientSettings(s: CommonHttpSettings): Pick<HttpClientOptions, 'timeoutMs' | 'totalTimeoutMs' | 'retries' | 'insecureSkipTlsVerify'> {
  return {
    timeoutMs: s.timeout === undefined ? undefined : parseDurationMs(s.timeout),
    totalTimeoutMs: s.totalTimeout === undefined ? undefined : parseDurationMs(s.totalTimeout),
    retries: s.retries,
    insecureSkipTlsVerify: s.insecureSkipTlsVerify,
  };
}
