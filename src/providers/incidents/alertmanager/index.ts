/**
 * Alertmanager incidents: the alerts that are active now, neither silenced nor inhibited, narrowed by the
 * plan's label matchers. Alertmanager is the authority on what is open; we only translate severities.
 */
import { ProviderError } from '../../../errors.js';
import { createHttpClient } from '../../http.js';
import { httpClientSettings } from '../../http-settings.js';
import type { AdapterContext, Incident, IncidentProvider } from '../../types.js';
import { createSeverityMapper } from './severity.js';
import type { AlertmanagerSettings } from './settings.js';

interface Alert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  generatorURL?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isStrings = (v: unknown): boolean => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** An alert as the v2 API documents it: labels and annotations map names to strings. */
function isAlert(v: unknown): v is Alert {
  return (
    isRecord(v) &&
    typeof v.fingerprint === 'string' &&
    isStrings(v.labels) &&
    (v.annotations === undefined || isStrings(v.annotations)) &&
    (v.startsAt === undefined || typeof v.startsAt === 'string')
  );
}

/** The query string, built here because `filter` must repeat (`filter=a&filter=b`), not `filter[]=`. */
export function alertsQuery(filter: string | string[] | undefined): string {
  const params = new URLSearchParams({ active: 'true', silenced: 'false', inhibited: 'false' });
  for (const f of typeof filter === 'string' ? [filter] : (filter ?? [])) params.append('filter', f);
  return params.toString();
}

export async function createAlertmanagerIncidents(
  settings: AlertmanagerSettings,
  ctx: AdapterContext,
): Promise<IncidentProvider> {
  const http = createHttpClient({
    provider: 'Alertmanager',
    baseURL: settings.url,
    headers: settings.headers,
    warn: ctx.warn,
    ...httpClientSettings(settings),
  });
  const severityOf = createSeverityMapper(settings.severityMap);
  const warned = new Set<string>();
  const url = `/api/v2/alerts?${alertsQuery(settings.filter)}`;

  return {
    async open(): Promise<Incident[]> {
      // a bad matcher is a 400 whose body is a JSON string: Alertmanager's own explanation
      const res = await http.request({ method: 'GET', url, acceptStatuses: [400] });
      if (res.status === 400) {
        const reason = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
        throw new ProviderError(
          ctx.name,
          `Alertmanager rejected the filter ${JSON.stringify(settings.filter ?? [])}: ${reason}`,
          {
            status: 400,
            hint: 'write each filter as a label matcher such as service="recommendations" or severity=~"critical|high"',
          },
        );
      }
      if (!Array.isArray(res.data) || !res.data.every(isAlert)) {
        throw new ProviderError(ctx.name, 'Alertmanager answered something that is not a list of alerts', {
          status: res.status,
        });
      }
      return res.data.map((a) => {
        const value = a.labels[settings.severityLabel];
        const { severity, mapped } = severityOf(value);
        if (!mapped && !warned.has(String(value))) {
          warned.add(String(value));
          ctx.warn(
            `${ctx.name}: alert severity ${value === undefined ? `label "${settings.severityLabel}" missing` : `"${value}" unknown`}; counted as critical (map it with severityMap)`,
          );
        }
        const name = a.labels.alertname ?? a.fingerprint;
        const summary = a.annotations?.summary;
        return {
          id: a.fingerprint,
          severity,
          title: summary ? `${name}: ${summary}` : name,
          openedAt: a.startsAt,
          url: a.generatorURL || undefined,
        };
      });
    },
  };
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createAlertmanagerIncidents as create };
