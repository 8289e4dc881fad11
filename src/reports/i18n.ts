/**
 * The words of every report, in each language `reports.language` allows, and the locale's number and
 * date formats (Intl). Plan texts (names, titles, checklist items, procedures) are never translated. Pure.
 */
import { en, type Messages } from './i18n-en.js';
import { ptBR } from './i18n-pt-br.js';

export type { Messages } from './i18n-en.js';
export type Language = 'en' | 'pt-BR';

export const MESSAGES: Record<Language, Messages> = { en, 'pt-BR': ptBR };

export const messages = (lang: Language | undefined): Messages => MESSAGES[lang ?? 'en'];

/** Building an Intl formatter costs about 0.5 ms: a report of a long phase formats thousands of values. */
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A measured value in the locale's digits: four significant digits, then the unit; '-' for no number. */
export function formatNumber(lang: Language | undefined, v: number | null | undefined, unit?: string): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '-';
  const locale = messages(lang).locale;
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumSignificantDigits: 4, useGrouping: false });
    numberFormats.set(locale, f);
  }
  return `${f.format(v)}${unit ? ` ${unit}` : ''}`;
}

/** An ISO time in the locale's words, always in UTC (the journal's zone) and saying so; '-' for none. */
export function formatDate(lang: Language | undefined, iso: string | undefined): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const locale = messages(lang).locale;
  let f = dateFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    dateFormats.set(locale, f);
  }
  return `${f.format(t)} UTC`;
}
