/**
 * Searching outputs for secrets in every form a writer may give them: as written, JSON-escaped (a `"` or
 * `\` in a secret), URL-encoded (in a path or a query), HTML/XML-escaped, or as an http URL path shows it.
 * Written independently of src/redact.ts, so a form the tool forgets is found here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { filesUnder } from './files.js';

export function secretForms(s: string): string[] {
  const forms = new Set<string>([s, JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s)).slice(3, -3)]);
  for (const f of [() => encodeURIComponent(s), () => encodeURI(s), () => new URL(`http://h/${s}`).pathname.slice(1)]) {
    try {
      forms.add(f());
    } catch {
      // not encodable: the raw form stands
    }
  }
  forms.add(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
  forms.add(
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
  );
  return [...forms].filter((f) => f.length > 0);
}

/** The names of the secrets found in `text`, in any of their forms. */
export function leaked(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, v]) => secretForms(v).some((f) => text.includes(f)))
    .map(([k]) => k);
}

/** `where: secret-name` for every secret found in the named texts and in every file under the folders. */
export function leaksIn(texts: Record<string, string>, dirs: string[], secrets: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [where, text] of Object.entries(texts)) for (const k of leaked(text, secrets)) out.push(`${where}: ${k}`);
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of filesUnder(d))
      for (const k of leaked(readFileSync(f, 'latin1') + readFileSync(f, 'utf8'), secrets)) out.push(`${f}: ${k}`);
  }
  return out;
}
