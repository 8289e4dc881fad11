/**
 * Secrets never reach output, reports, the journal or errors. The values of credential settings and of
 * variables named like secrets are registered here (src/plan/secrets.ts decides which); every writer
 * passes its text through `redact`, and every serialised document through `redactValue` BEFORE it is
 * serialised (JSON, HTML and XML escape `"` and `\`, so a secret holding them would no longer be found
 * in the escaped text, and a digits-only secret would match inside a number and break the JSON).
 *
 * A secret is masked in every form it takes on the way out: as written, URL-encoded (in a path or a
 * query string), JSON-, HTML- and XML-escaped; a secret URL also by its path, since messages show the
 * path of a request without its origin (`GET /hooks/T0/B0/XXXX`).
 */
const MIN_SECRET = 4;
const MASK = '***';

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i;

function tryForm(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** The forms a text takes once escaped or encoded by the writers and clients that carry it. */
function escapedForms(s: string): (string | undefined)[] {
  return [
    s,
    tryForm(() => encodeURIComponent(s)),
    tryForm(() => encodeURI(s)),
    tryForm(() => new URLSearchParams({ a: s }).toString().slice(2)),
    // how a URL path shows it (WHATWG percent-encoding; `\` reads as `/` in http URLs)
    tryForm(() => new URL(`http://h/${s}`).pathname.slice(1)),
    JSON.stringify(s).slice(1, -1),
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
  ];
}

/** The parts of a secret URL that messages show on their own: its path (with and without the query). */
function urlForms(s: string): string[] {
  if (!URL_LIKE.test(s)) return [];
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return [];
  }
  const out: string[] = [`${u.origin}${u.pathname}`];
  // a path of one short segment (`/hook`, `/v1`) holds no credential: masking it would hide every `hook`
  const path = u.pathname.slice(1);
  if (path.length >= 8 || path.includes('/')) {
    out.push(u.pathname, `${u.pathname}${u.search}`, path);
    const decoded = tryForm(() => decodeURIComponent(u.pathname));
    if (decoded) out.push(decoded);
  } else if (u.search.length > 1) out.push(`${u.pathname}${u.search}`, u.search.slice(1));
  // a credential-looking part may travel alone (an echo of the last path segment of a webhook URL)
  const parts = [...u.pathname.split('/'), ...[...u.searchParams.values()]].map(
    (p) => tryForm(() => decodeURIComponent(p)) ?? p,
  );
  for (const p of parts) if ((p.length >= 8 && /\d/.test(p) && /[A-Za-z]/.test(p)) || p.length >= 16) out.push(p);
  if (u.username) out.push(u.username, tryForm(() => decodeURIComponent(u.username)) ?? u.username);
  if (u.password) out.push(u.password, tryForm(() => decodeURIComponent(u.password)) ?? u.password);
  // the static part of a templated URL (`…/q/{{query}}`) is what a request path starts with
  const raw = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#{]*)/i.exec(s)?.[1];
  if (raw && raw.length > 1) out.push(raw);
  return out;
}

/**
 * One set of secrets and the masking of them: the engine receives one as a service (`redactor`); the
 * CLI's edges (output, errors, the state store) use the process's own, `processRedactor`, which
 * `load-plan` fills. Tests make their own.
 */
export class SecretRedactor {
  /** every registered form of every secret, longest first once sorted */
  private readonly forms = new Set<string>();
  private ordered: string[] | undefined;

  /** Registers a secret; values shorter than 4 characters are too short to mask safely and are ignored. */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET) return;
    // `Bearer abc…`: the credential may also appear without its scheme
    const scheme = /^(bearer|basic|token|apikey|dsn|sso-key)\s+(\S{4,})$/i.exec(value.trim())?.[2];
    for (const base of [value, ...(scheme ? [scheme] : []), ...urlForms(value)]) {
      // a path made only of slashes and short words would mask ordinary text
      if (base !== value && base.replace(/[/\s]/g, '').length < MIN_SECRET) continue;
      for (const f of escapedForms(base)) {
        if (f && f.length >= MIN_SECRET && f !== MASK && !this.forms.has(f)) {
          this.forms.add(f);
          this.ordered = undefined;
        }
      }
    }
  }

  readonly text = (text: string): string => {
    if (this.forms.size === 0) return text;
    // longest first, so a secret containing another is masked whole
    this.ordered ??= [...this.forms].sort((a, b) => b.length - a.length);
    let out = text;
    for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };

  /**
   * Deep-redacts any JSON-like value (journal entries, report models, --json documents): every string,
   * keys included. Numbers and booleans are left alone, so the document stays what it was.
   */
  readonly value = <T>(value: T): T => {
    if (this.forms.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (
        v &&
        typeof v === 'object' &&
        (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)
      ) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.text(k), walk(x)]));
      }
      // Class instances (Date, errors, ...) as JSON would write them, then redacted as plain data.
      if (v && typeof v === 'object') return walk(JSON.parse(JSON.stringify(v)) as unknown);
      return v;
    };
    return walk(value) as T;
  };

  clear(): void {
    this.forms.clear();
    this.ordered = undefined;
  }
}

/** The process's secrets: what the CLI registered from the plan it loaded. */
export const processRedactor = new SecretRedactor();

/** Registers a secret with the process's redactor. */
export function addSecret(value: string | undefined): void {
  processRedactor.add(value);
}

export function redact(text: string): string {
  return processRedactor.text(text);
}

export function redactValue<T>(value: T): T {
  return processRedactor.value(value);
}

/** `JSON.stringify` of the redacted value: the one way documents are serialised for output. */
export function redactedJson(value: unknown, indent?: number): string {
  return JSON.stringify(redactValue(value), null, indent);
}

export const SECRET_KEY = /token|secret|password|apikey|appkey|webhookurl|authorization|cookie|key$/i;

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  processRedactor.clear();
}
