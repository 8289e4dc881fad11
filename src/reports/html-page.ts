/** The HTML page of the reports: escaping, tables and the self-contained page (no scripts, no requests). */
import { stripControls } from '../sanitize.js';
import { STYLE } from './html-style.js';
import type { Language } from './i18n.js';

export const esc = (s: string) =>
  stripControls(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Cells are HTML already (callers escape); `none` says so in the report's language. */
export function htmlTable(head: string[], rows: string[][], none: string, cls = ''): string {
  if (rows.length === 0) return `<p class="none">${esc(none)}</p>`;
  const thead = head.some(Boolean) ? `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` : '';
  return `<table${cls ? ` class="${cls}"` : ''}>${thead}<tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function page(lang: Language, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>
${body}
</body></html>
`;
}
