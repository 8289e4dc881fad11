/**
 * Masks credentials in text the HTTP client produces (errors, warnings). The global `redact` only
 * knows secrets that came from `${VAR}` placeholders; a client also knows its own auth headers, the
 * userinfo of its URLs and credential-looking query parameters, so it masks those too even when they
 * were written literally in a plan.
 */
import { redact } from '../redact.js';

/** Header names whose values are credentials. */
const SECRET_HEADER = /authorization|token|key|secret|password|cookie|session|signature|auth/i;
/** Query parameter names whose values are credentials. */
const SECRET_PARAM = /token|key|secret|password|passwd|pwd|sig|signature|auth|credential|session/i;
const SCHEMES = /^(bearer|basic|token|apikey|genieKey|splunk|sso-key)\s+(.+)$/i;

const MIN_SECRET = 4;
const MASK = '***';

export type Masker = (text: string) => string;

/** Collects the secret values hidden in a header map. */
export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!SECRET_HEADER.test(name) || typeof value !== 'string') continue;
    out.push(value);
    const scheme = SCHEMES.exec(value.trim());
    if (scheme?.[2]) {
      out.push(scheme[2]);
      if (scheme[1]?.toLowerCase() === 'basic') {
        // a Basic credential could surface decoded (user:password) in a proxy's or server's echo
        const decoded = Buffer.from(scheme[2], 'base64').toString('utf8');
        out.push(decoded);
        const password = decoded.slice(decoded.indexOf(':') + 1);
        if (decoded.includes(':')) out.push(password);
      }
    }
  }
  return out;
}

/** Collects userinfo and credential query values of a URL (relative URLs are ignored). */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const out = [
    decodeURIComponent(parsed.password),
    decodeURIComponent(parsed.username),
    parsed.password,
    parsed.username,
  ];
  for (const [name, value] of parsed.searchParams) if (SECRET_PARAM.test(name)) out.push(value);
  return out;
}

/** Collects credential-looking request parameters. */
export function paramSecrets(params: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(params ?? {})) {
    if (!SECRET_PARAM.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') out.push(v);
  }
  return out;
}

/** Masks `scheme://user:pass@` and `?token=…` patterns wherever a URL appears in text. */
export function maskUrlCredentials(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi, `$1${MASK}@`)
    .replace(/([?&;][^=&\s#'"]*=)([^&\s#'"]*)/g, (whole, key: string, value: string) =>
      SECRET_PARAM.test(key) && value !== MASK ? `${key}${MASK}` : whole,
    );
}

/** A masker over the global registry, the given secrets (and their URL-encoded forms) and URL credentials. */
export function createMasker(secrets: Iterable<string>): Masker {
  const known = new Set<string>();
  const add = (s: string): void => {
    if (s.length >= MIN_SECRET) known.add(s);
  };
  for (const s of secrets) {
    add(s);
    add(encodeURIComponent(s));
  }
  // longest first, so a secret containing another is masked whole
  const ordered = [...known].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = redact(text);
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join(MASK);
    return maskUrlCredentials(out);
  };
}
