/** Small helpers of the HTTP client: error codes, headers, paths and origins. */
import type { AxiosResponse } from 'axios';

export function errorCode(e: unknown): string {
  if (typeof e !== 'object' || e === null) return 'EUNKNOWN';
  const err = e as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  if (typeof err.cause?.code === 'string') return err.cause.code;
  if (typeof err.code === 'string' && err.code !== 'ERR_NETWORK' && err.code !== 'ERR_BAD_RESPONSE') return err.code;
  if (typeof err.message === 'string' && /socket hang up/i.test(err.message)) return 'ECONNRESET';
  return typeof err.code === 'string' ? err.code : 'EUNKNOWN';
}

export function plainHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** The path of a request without its query (which may carry credentials and is rarely useful in a message). */
export function pathOf(url: string, baseURL: string): string {
  try {
    const u = new URL(url, baseURL.endsWith('/') ? baseURL : `${baseURL}/`);
    return /^[a-z]+:\/\//i.test(url)
      ? `${u.origin}${u.pathname}`
      : joinPath(new URL(baseURL).pathname, url.split('?')[0] ?? '');
  } catch {
    return url.split('?')[0] ?? url;
  }
}

export function joinPath(base: string, rel: string): string {
  if (base === '/' || base === '') return rel.startsWith('/') ? rel : `/${rel}`;
  return `${base.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
}

export function originOf(baseURL: string): string {
  try {
    const u = new URL(baseURL);
    return `${u.protocol}//${u.host}`;
  } catch {
    return baseURL;
  }
}
