/**
 * Strict ISO-8601 times, read the same everywhere a time comes in (metrics files, incidents, the
 * http and command providers, ROLLOUT_NOW). Hand-written because `Date.parse` is too lenient for a
 * gate: it rolls `2026-02-30` over to March 2 and reads a time without an offset in the machine's
 * time zone. Here a date that does not exist is refused, and a time without an offset is UTC,
 * whatever `TZ` says. Pure.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Looks like an ISO-8601 date or date-time (valid or not): worth a precise message when it fails. */
export const LOOKS_ISO = /^\d{4}-\d{1,2}-\d{1,2}([T ]|$)/;

const daysIn = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

export type IsoResult = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * Reads `2026-06-18`, `2026-06-18T09:00`, `2026-06-18T09:00:00.5Z`, `2026-06-18 09:00:00+02:00`.
 * A date alone is midnight UTC; no offset means UTC.
 */
export function readIsoTime(raw: string): IsoResult {
  const text = raw.trim();
  const m = ISO.exec(text);
  if (!m) return { ok: false, reason: `"${clip(text)}" is not an ISO-8601 time (e.g. 2026-06-18T09:00:00Z)` };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12) return { ok: false, reason: `"${clip(text)}" is not a date: there is no month ${m[2]}` };
  if (day < 1 || day > daysIn(year, month))
    return { ok: false, reason: `"${clip(text)}" is not a date: ${m[1]}-${m[2]} has ${daysIn(year, month)} days` };
  if (hour > 23 || minute > 59 || second > 59)
    return { ok: false, reason: `"${clip(text)}" is not a time of day (hours 00-23, minutes and seconds 00-59)` };
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 14 || om > 59) return { ok: false, reason: `"${clip(text)}" has an impossible UTC offset ${zone}` };
    offsetMin = sign * (oh * 60 + om);
  }
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + Math.round(fraction) - offsetMin * 60_000;
  // Date.UTC maps years 0-99 to 1900-1999; such years are not what anyone means in a rollout
  if (year < 1000) return { ok: false, reason: `"${clip(text)}" has a year before 1000` };
  return { ok: true, ms };
}

/** Epoch ms, or undefined when the text is not a valid ISO-8601 time. */
export function parseIsoTime(raw: string): number | undefined {
  const r = readIsoTime(raw);
  return r.ok ? r.ms : undefined;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
