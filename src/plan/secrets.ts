/**
 * Which `${VAR}` values are secrets, so that only those are masked: masking every value would turn
 * `DEPLOY_ENV=production` into "identical to ***" in a checklist item. A value is a secret when
 *
 * - its variable is named like one (`*_TOKEN`, `*_SECRET`, `*PASSWORD*`, `*_KEY`, `*WEBHOOK*`, …), or
 * - it lands in a credential setting of a provider (`token`, `apiKey`, `appKey`, `secret`, `password`,
 *   `webhookUrl`, a credential header such as `Authorization`), or in a notifier's `url` (a webhook
 *   URL is its own credential), or
 * - it lands in the path, query or user-info of a provider's URL setting (a token in a URL path); a
 *   value that only names the host (`http://${PROM_HOST}:9090`) is not one.
 *
 * Pure: the uses come from document.ts's expansion.
 */
import { SECRET_KEY } from '../redact.js';
import type { PlaceholderUse } from './placeholders.js';

const SECRET_NAME =
  /token|secret|passw(or)?d|passphrase|api_?key|app_?key|private_?key|access_?key|credential|webhook|signature|cookie|bearer|jwt/i;
const SECRET_WORDS = new Set([
  'key',
  'keys',
  'pass',
  'pat',
  'auth',
  'authorization',
  'session',
  'sig',
  'dsn',
  'creds',
  'pem',
]);
/** Header names whose values are credentials (as the HTTP client masks them). */
const SECRET_HEADER = /auth|token|key|secret|passw|cookie|session|signature/i;
const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/** `LD_API_TOKEN`, `DB_PASSWORD`, `SIGNING_KEY`, `slackWebhook`: yes; `DEPLOY_ENV`, `PWD`, `REGION`: no. */
export function nameLooksSecret(name: string): boolean {
  if (SECRET_NAME.test(name)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

/** Whether the value at [start, end) of a URL reaches its user-info, path, query or fragment. */
export function reachesPastHost(url: string, start: number, end: number): boolean {
  const m = AUTHORITY.exec(url);
  if (!m) return end > start;
  const authorityEnd = m[0].length;
  const at = m[1]!.lastIndexOf('@');
  const hostStart = at < 0 ? authorityEnd - m[1]!.length : authorityEnd - m[1]!.length + at + 1;
  if (end > authorityEnd) return true;
  return at >= 0 && start < hostStart && end > start;
}

/** The values among the placeholder uses that must be masked wherever they appear. */
export function secretValues(uses: readonly PlaceholderUse[]): string[] {
  const out = new Set<string>();
  for (const u of uses) {
    if (u.value === undefined || u.value === '') continue;
    if (nameLooksSecret(u.name)) {
      out.add(u.value);
      continue;
    }
    // the state database's URL: its password is the secret (its user and database name are not, and
    // masking them would mask words such as the tool's own name wherever they appear)
    if (u.path[0] === 'state' && u.path[1] === 'url') {
      const password = urlPassword(u.expanded);
      // as it stands in the URL, always; alone, when it is long enough not to be an everyday word
      // (a password such as `rollout` would otherwise mask the tool's own name everywhere)
      if (password) out.add(`:${password}@`);
      if (password && password.length >= 8) out.add(password);
      continue;
    }
    if (u.path[0] !== 'providers' || u.path.length < 4) continue;
    const role = u.path[1];
    const keys = u.path.slice(3).map(String);
    const last = keys[keys.length - 1] ?? '';
    const credential =
      keys.some((k) => SECRET_KEY.test(k)) ||
      (keys[0] === 'headers' && SECRET_HEADER.test(keys[1] ?? '')) ||
      (role === 'notifications' && /url$/i.test(last));
    if (credential || (/url$/i.test(last) && reachesPastHost(u.expanded, u.start, u.end))) out.add(u.value);
  }
  return [...out];
}

function urlPassword(value: string): string | undefined {
  try {
    const p = new URL(value).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}
