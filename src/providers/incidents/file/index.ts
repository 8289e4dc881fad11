/** Incidents from a JSON file: `[{ id, severity, status, title, openedAt }]`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ProviderError } from '../../../errors.js';
import { jsonErrorAt, readTextFile } from '../../file-text.js';
import { SEVERITIES, type AdapterContext, type Incident, type IncidentProvider, type Severity } from '../../types.js';
import type { FileIncidentsSettings } from './settings.js';

export async function createFileIncidents(settings: FileIncidentsSettings, ctx: AdapterContext): Promise<IncidentProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);
  return {
    async open() {
      // No file means nobody has recorded an incident yet: the team writes incidents into it.
      if (!existsSync(file)) return [];
      let text: string;
      try {
        text = readTextFile(file, 64 * 1024 * 1024);
      } catch (e) {
        throw new ProviderError(ctx.name, `cannot read the incidents file ${file}: it ${(e as Error).message}`);
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new ProviderError(ctx.name, `the incidents file ${file} is not valid JSON (${jsonErrorAt(e, text)})`);
      }
      if (!Array.isArray(doc)) throw new ProviderError(ctx.name, `the incidents file ${file} must hold a JSON list`);
      const out: Incident[] = [];
      doc.forEach((raw: unknown, i) => {
        const r = raw as Record<string, unknown>;
        if (!r || typeof r !== 'object' || typeof r['status'] !== 'string') {
          throw new ProviderError(ctx.name, `${file}: incident ${i} has no status ("open" or "resolved")`);
        }
        if (r['status'] === 'resolved') return;
        const severity = String(r['severity'] ?? '').toLowerCase();
        out.push({
          id: String(r['id'] ?? `#${i}`),
          // An incident whose severity cannot be read counts as critical: it is never ignored.
          severity: (SEVERITIES as readonly string[]).includes(severity) ? (severity as Severity) : 'critical',
          title: String(r['title'] ?? ''),
          openedAt: typeof r['openedAt'] === 'string' ? r['openedAt'] : undefined,
        });
      });
      return out;
    },
  };
}
