/**
 * Secrets never reach output, reports, the journal or errors. Every value that came from a `${VAR}`
 * placeholder in provider settings, and every value of a secret-looking key, is registered here; all
 * writers pass their text through `redact`.
 */
const secrets = new Set<string>();

/** Registers a secret; values shorter than 4 characters are too short to mask safely and are ignored. */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  // longest first, so a secret containing another is masked whole
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join('***');
  }
  return out;
}

/**
 * Deep-redacts any JSON-like value (journal entries, report models): every string, keys included.
 * Walks the value rather than redacting its JSON text, because JSON escapes a secret holding `"` or `\`
 * (so the text would not contain it) and a digits-only secret would match inside a number (and break the JSON).
 */
export function redactValue<T>(value: T): T {
  if (secrets.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k), walk(x)]));
    }
    // Class instances (Date, errors, ...) as JSON would write them, then redacted as plain data.
    if (v && typeof v === 'object') return walk(JSON.parse(JSON.stringify(v)) as unknown);
    return v;
  };
  return walk(value) as T;
}

export const SECRET_KEY = /token|secret|password|apikey|appkey|webhookurl|authorization|cookie|key$/i;

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
}
