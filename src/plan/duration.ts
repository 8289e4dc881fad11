/**
 * Durations as plans write them: `30m`, `48h`, `7d`, `1h30m`, `90s`, `2w`. Hand-written: the grammar
 * is four lines and the libraries around (ms, parse-duration) accept far looser input (`1.5 hours`,
 * bare numbers meaning milliseconds) than a plan should.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Milliseconds for a duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!DURATION.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2]!] ?? NaN);
  return Number.isFinite(total) ? total : undefined;
}

/** An estimate: one duration or a range `15m-30m`. */
export function parseEstimate(text: string): { min: number; max: number } | undefined {
  const [a, b, ...rest] = text.split('-').map((s) => s.trim());
  if (rest.length > 0 || a === undefined) return undefined;
  const min = parseDuration(a);
  const max = b === undefined ? min : parseDuration(b);
  if (min === undefined || max === undefined || max < min) return undefined;
  return { min, max };
}

/** `3d 4h`, `25m`, `40s`: compact, for tables and countdowns. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m && !d) parts.push(`${m}m`);
  if (s && !d && !h) parts.push(`${s}s`);
  return (neg ? '-' : '') + (parts.length ? parts.join(' ') : '0s');
}

/** `3s`, `90s`, `10m`: how a timeout reads in a record. */
export function formatTimeout(ms: number): string {
  const s = ms / 1000;
  return s >= 60 && s % 60 === 0 ? `${s / 60}m` : `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
}
