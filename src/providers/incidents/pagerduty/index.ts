/**
 * PagerDuty incidents (REST API v2, providers.md §8): the triggered and acknowledged incidents of the
 * plan's services, every page of them. PagerDuty is the authority on what is open; we only translate
 * priorities and urgencies into the plan's severities (./severity.ts).
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext, Incident, IncidentProvider } from '../../types.js';
import { createSeverityMapper } from './severity.js';
import type { PagerDutySettings } from './settings.js';

const PROVIDER = 'PagerDuty';
/** PagerDuty's maximum page size. */
const PAGE = 100;
/** Classic offset pagination stops at 10,000 results; past that the list cannot be read whole. */
const MAX_PAGES = 100;

interface PdIncident {
  id: string;
  title?: string | null;
  summary?: string | null;
  status?: string | null;
  urgency?: string | null;
  created_at?: string | null;
  html_url?: string | null;
  incident_number?: number;
  priority?: { name?: string | null; summary?: string | null } | null;
}

interface PdPage {
  incidents: PdIncident[];
  more?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const optionalString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';

/** An incident as the API documents it; a field of the wrong type makes the whole page malformed. */
function isIncident(v: unknown): v is PdIncident {
  return (
    isRecord(v) &&
    typeof v.id === 'string' &&
    ['status', 'urgency', 'title', 'summary', 'created_at', 'html_url'].every((k) => optionalString(v[k])) &&
    (v.priority === undefined ||
      v.priority === null ||
      (isRecord(v.priority) && optionalString(v.priority.name) && optionalString(v.priority.summary)))
  );
}

function isPage(v: unknown): v is PdPage {
  return (
    isRecord(v) &&
    Array.isArray(v.incidents) &&
    v.incidents.every(isIncident) &&
    (v.more === undefined || v.more === null || typeof v.more === 'boolean')
  );
}

/**
 * The query string, built here because PagerDuty wants `statuses[]=a&statuses[]=b` and axios drops the
 * brackets from a key that already has them.
 */
export function incidentsQuery(serviceIds: string[], offset: number): string {
  const pairs: Array<[string, string]> = [
    ...serviceIds.map((id): [string, string] => ['service_ids[]', id]),
    ['statuses[]', 'triggered'],
    ['statuses[]', 'acknowledged'],
    ['limit', String(PAGE)],
    ['offset', String(offset)],
  ];
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

export async function createPagerDutyIncidents(
  settings: PagerDutySettings,
  ctx: AdapterContext,
): Promise<IncidentProvider> {
  const http = createHttpClient({
    provider: PROVIDER,
    baseURL: settings.url,
    headers: { Authorization: `Token token=${settings.token}` },
    credential: { setting: 'token', env: ctx.envOf('token') },
    // seconds to wait, per PagerDuty's rate-limit support page
    resetHeader: { name: 'ratelimit-reset', unit: 'seconds-until' },
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });
  const severityOf = createSeverityMapper(settings.severityMap);
  const warned = new Set<string>();

  async function page(offset: number): Promise<PdPage> {
    const res = await http.request({
      method: 'GET',
      url: `/incidents?${incidentsQuery(settings.serviceIds, offset)}`,
      headers: { Accept: 'application/vnd.pagerduty+json;version=2', 'Content-Type': 'application/json' },
    });
    if (!isPage(res.data)) {
      throw new ProviderError(
        ctx.name,
        `${PROVIDER} answered GET /incidents with something that is not a page of incidents`,
        {
          status: res.status,
          hint: 'check the url points at the PagerDuty REST API (https://api.pagerduty.com)',
        },
      );
    }
    return res.data;
  }

  function toIncident(i: PdIncident): Incident {
    // null and absent are the same to us (the page check allowed both)
    const priority = i.priority ? (i.priority.name ?? i.priority.summary ?? undefined) : undefined;
    const { severity, mapped, source } = severityOf({ priority, urgency: i.urgency ?? undefined });
    if (!mapped && !warned.has(source)) {
      warned.add(source);
      ctx.warn(
        `PagerDuty incident ${source}: severity unknown, counted as critical (map priority names with severityMap)`,
      );
    }
    return {
      id: i.id,
      severity,
      title: i.title ?? i.summary ?? (i.incident_number !== undefined ? `incident #${i.incident_number}` : i.id),
      openedAt: i.created_at ?? undefined,
      url: i.html_url ?? undefined,
    };
  }

  return {
    async open(): Promise<Incident[]> {
      // offsets shift when incidents open or resolve between pages: de-duplicate by id
      const byId = new Map<string, Incident>();
      let offset = 0;
      for (let n = 1; ; n++) {
        const { incidents, more } = await page(offset);
        for (const i of incidents) if (i.status !== 'resolved') byId.set(i.id, toIncident(i));
        if (!more) return [...byId.values()];
        if (incidents.length === 0) {
          throw new ProviderError(ctx.name, `${PROVIDER} said more incidents follow offset ${offset} but sent none`);
        }
        if (n >= MAX_PAGES) {
          throw new ProviderError(
            ctx.name,
            `${PROVIDER} has more than ${MAX_PAGES * PAGE} open incidents for ${settings.serviceIds.join(', ')}; they cannot all be read`,
            {
              hint: 'narrow serviceIds',
            },
          );
        }
        offset += incidents.length;
      }
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createPagerDutyIncidents as create };
