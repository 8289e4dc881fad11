/**
 * The wording of HTTP failures: short, saying what failed, where, and how to fix it. Built from our own
 * facts (status, method, path, a body excerpt), never from an axios error, whose config carries headers.
 */
import type { HttpClientOptions } from './http.js';
import { formatElapsed } from './http-retry.js';

const EXCERPT_MAX = 200;

/** The most useful short line of an error body: a provider's `message`/`errors`, an HTML title, or the text. */
export function bodyExcerpt(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const fromJson = messageOf(JSON.parse(text) as unknown);
    if (fromJson) return clip(fromJson);
  } catch {
    // not JSON: fall through to text
  }
  if (/^<(!doctype|html|\?xml|head|body)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return title ? `an HTML page titled "${clip(title)}"` : 'an HTML page';
  }
  return clip(text);
}

function messageOf(json: unknown): string | undefined {
  if (typeof json === 'string') return json;
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.errors) && o.errors.length > 0) {
    return o.errors.map((e) => (typeof e === 'string' ? e : (messageOf(e) ?? JSON.stringify(e)))).join('; ');
  }
  if (typeof o.errors === 'string' && o.errors !== '') return o.errors;
  if (typeof o.message === 'string') return typeof o.code === 'string' ? `${o.code}: ${o.message}` : o.message;
  if (typeof o.error === 'string') return o.error;
  if (typeof o.error === 'object' && o.error !== null) return messageOf(o.error);
  if (typeof o.detail === 'string') return o.detail;
  return JSON.stringify(json);
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > EXCERPT_MAX ? `${one.slice(0, EXCERPT_MAX)}…` : one;
}

/** "the token in LD_API_TOKEN", "the apiKey in DD_API_KEY or the appKey in DD_APP_KEY", "the configured token". */
export function credentialPhrase(opts: Pick<HttpClientOptions, 'credential' | 'credentials'>): string {
  const all = [...(opts.credential ? [opts.credential] : []), ...(opts.credentials ?? [])];
  if (all.length === 0) return 'the configured credentials';
  return all.map((c) => (c.env ? `the ${c.setting} in ${c.env}` : `the configured ${c.setting}`)).join(' or ');
}

export function credentialEnvs(opts: Pick<HttpClientOptions, 'credential' | 'credentials'>): string {
  const envs = [...(opts.credential ? [opts.credential] : []), ...(opts.credentials ?? [])].map(
    (c) => c.env ?? c.setting,
  );
  return envs.join(' and ');
}

export interface Attempts {
  count: number;
  elapsedMs: number;
}

/** " after 5 attempts over 12.3 s", or nothing for a single attempt. */
export function attemptsPhrase(a: Attempts): string {
  return a.count > 1 ? ` after ${a.count} attempts over ${formatElapsed(a.elapsedMs)}` : '';
}

/** The message and hint for a final non-2xx answer. */
export function statusMessage(args: {
  opts: HttpClientOptions;
  status: number;
  where: string;
  body: string;
  attempts: Attempts;
}): { message: string; hint?: string } {
  const { opts, status, where, attempts } = args;
  const p = opts.provider;
  const excerpt = bodyExcerpt(args.body);
  const tail = excerpt ? `: ${excerpt}` : '';
  if (status === 401) {
    return {
      message: `${p} rejected ${credentialPhrase(opts)} (401)`,
      hint: `check that ${credentialEnvs(opts)} holds a valid, unexpired ${p} credential`,
    };
  }
  if (status === 403) {
    return {
      message: `${p} denied ${where} with ${credentialPhrase(opts)} (403)${tail}`,
      hint: `give the credential in ${credentialEnvs(opts)} the permission this needs, or use one that has it`,
    };
  }
  if (status === 404)
    return { message: `${p} has nothing at ${where} (404)${tail}`, hint: 'check the url and the keys in the plan' };
  if (status >= 300 && status < 400) {
    return {
      message: `${p} answered ${status} (a redirect) for ${where}`,
      hint: 'set the provider url to the final address (redirects are not followed)',
    };
  }
  return { message: `${p} answered ${status} for ${where}${attemptsPhrase(attempts)}${tail}` };
}
