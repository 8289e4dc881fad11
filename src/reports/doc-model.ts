/**
 * A small document model (headings, paragraphs, lists, tables, code) rendered to Markdown and to a
 * self-contained HTML page, for documents written from the plan alone (the support playbook). Pure:
 * text in, text out. Every text is escaped for its format; control characters never reach either.
 */
import { stripControls } from '../sanitize.js';

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'list'; items: string[]; ordered?: boolean }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'code'; text: string };

export interface Section {
  title: string;
  blocks: Block[];
  sections?: Section[];
}

export interface Doc {
  title: string;
  lead: string;
  sections: Section[];
}

const clean = (s: string): string => stripControls(s);
const mdCell = (s: string): string => clean(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
/** Markdown that a plan text cannot turn into emphasis, links or HTML; `code spans` stay code spans. */
const mdText = (s: string): string => clean(s).replace(/([\\*[\]<>])/g, '\\$1');

export function renderMarkdown(doc: Doc): string {
  const out: string[] = [`# ${mdText(doc.title)}`, '', mdText(doc.lead), ''];
  const section = (s: Section, depth: number): void => {
    out.push(`${'#'.repeat(depth)} ${mdText(s.title)}`, '');
    for (const b of s.blocks) out.push(...markdownBlock(b), '');
    for (const sub of s.sections ?? []) section(sub, depth + 1);
  };
  for (const s of doc.sections) section(s, 2);
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function markdownBlock(b: Block): string[] {
  switch (b.kind) {
    case 'p':
      return [mdText(b.text)];
    case 'list':
      return b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${mdText(it)}`);
    case 'table':
      return [
        `| ${b.head.map(mdCell).join(' | ')} |`,
        `| ${b.head.map(() => '---').join(' | ')} |`,
        ...b.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
      ];
    case 'code':
      return ['```', clean(b.text).replace(/```/g, "'''"), '```'];
  }
}

const esc = (s: string): string =>
  clean(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--head:#151b23}}
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}.lead{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head)}pre{background:var(--head);padding:.6rem;overflow-x:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table{break-inside:avoid}}`;

/** Escaped text whose `code spans` become <code> (the backticks of escaped text are left alone by esc). */
const inline = (s: string): string => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

export function renderHtml(doc: Doc, lang = 'en'): string {
  const out: string[] = [
    '<!doctype html>',
    `<html lang="${esc(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${esc(doc.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(doc.title)}</h1>`,
    `<p class="lead">${inline(doc.lead)}</p>`,
  ];
  const section = (s: Section, depth: number): void => {
    out.push(`<section><h${depth}>${esc(s.title)}</h${depth}>`);
    for (const b of s.blocks) out.push(htmlBlock(b));
    for (const sub of s.sections ?? []) section(sub, Math.min(depth + 1, 6));
    out.push('</section>');
  };
  for (const s of doc.sections) section(s, 2);
  out.push('</body></html>');
  return `${out.join('\n')}\n`;
}

function htmlBlock(b: Block): string {
  switch (b.kind) {
    case 'p':
      return `<p>${inline(b.text)}</p>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${tag}>`;
    }
    case 'table':
      return `<table><thead><tr>${b.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'code':
      return `<pre><code>${esc(b.text)}</code></pre>`;
  }
}
