/**
 * Incidents from a JSON file: `[{ id, severity, status, title, openedAt }]`. The file is the source
 * of truth, so a file that does not exist or cannot be read is no answer (a ProviderError), never
 * "no open incident": an empty list is written `[]`.
 */
import path from 'node:path';
import { ProviderError } from '../../../errors.js';
import { readIsoTime } from '../../../iso-time.js';
import { jsonErrorAt, readTextFile } from '../../file-text.js';
import { SEVERITIES, type AdapterContext, type Incident, type IncidentProvider, type Severity } from '../../types.js';
import type { FileIncidentsSettings } from './settings.js';

export async function createFileIncidents(
  settings: FileIncidentsSettings,
  ctx: AdapterContext,
): Promise<IncidentProvider> {
  const file = path.resolve(ctx.baseDir, settings.path);
  return {
    async open() {
      let text: string;
      try {
        text = readTextFile(file, 64 * 1024 * 1024);
      } catch (e) {
        const missing = /ENOENT/.test((e as Error).message);
        throw new ProviderError(
          ctx.name,
          missing
            ? `the incidents file ${file} does not exist: write the open incidents there as a JSON list, [] when there are none (one in the state folder is created as [] when the rollout starts)`
            : `cannot read the incidents file ${file}: it ${(e as Error).message}`,
          { hint: 'write the open incidents there as a JSON list; [] when there are none' },
        );
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
        if (!r || typeof r !== 'object' || Array.isArray(r) || typeof r['status'] !== 'string') {
          throw new ProviderError(ctx.name, `${file}: incident ${i} has no status ("open" or "resolved")`);
        }
        const openedAt = r['openedAt'];
        if (openedAt !== undefined && openedAt !== null) {
          const t =
            typeof openedAt === 'string'
              ? readIsoTime(openedAt)
              : { ok: false as const, reason: `${JSON.stringify(openedAt)} is not an ISO-8601 time` };
          if (!t.ok)
            throw new ProviderError(ctx.name, `${file}: incident ${i} openedAt: ${t.reason}`, {
              hint: 'write openedAt as an ISO-8601 time such as 2026-06-20T08:00:00Z',
            });
        }
        if (r['status'] === 'resolved') return;
        const severity = String(r['severity'] ?? '').toLowerCase();
        out.push({
          id: String(r['id'] ?? `#${i}`),
          // An incident whose severity cannot be read counts as critical: it is never ignored.
          severity: (SEVERITIES as readonly string[]).includes(severity) ? (severity as Severity) : 'critical',
          title: String(r['title'] ?? ''),
          openedAt: typeof openedAt === 'string' ? openedAt : undefined,
        });
      });
      return out;
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createFileIncidents as create };
