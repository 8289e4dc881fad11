/**
 * Turns the common HTTP settings of a plan (`timeout: 10s`, `retries: 3`, ...) into the options of the
 * shared client, so every adapter reads them the same way.
 */
import { parseDuration } from '../plan/duration.js';
import type { HttpClientOptions } from './http.js';

/** `10s` → 10000, with the plan's one duration grammar. The settings schema already checked the form. */
export function parseDurationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}

export interface CommonHttpSettings {
  timeout?: string | undefined;
  totalTimeout?: string | undefined;
  retries?: number | undefined;
  insecureSkipTlsVerify?: boolean | undefined;
}

export function httpClientSettings(
  s: CommonHttpSettings,
): Pick<HttpClientOptions, 'timeoutMs' | 'totalTimeoutMs' | 'retries' | 'insecureSkipTlsVerify'> {
  return {
    timeoutMs: s.timeout === undefined ? undefined : parseDurationMs(s.timeout),
    totalTimeoutMs: s.totalTimeout === undefined ? undefined : parseDurationMs(s.totalTimeout),
    retries: s.retries,
    insecureSkipTlsVerify: s.insecureSkipTlsVerify,
  };
}
