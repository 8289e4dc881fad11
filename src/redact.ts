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

/** Deep-redacts any JSON-like value (journal entries, report models). */
export function redactValue<T>(value: T): T {
  if (secrets.size === 0) return value;
  return JSON.parse(redact(JSON.stringify(value))) as T;
}

export const SECRET_KEY = /token|secret|password|apikey|appkey|webhookurl|authorization|cookie|key$/i;

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
}
