/**
 * A loopback PagerDuty REST API v2 (providers.md §8 and its appendix): `GET /incidents` with
 * `Authorization: Token token=…`, the `statuses[]`, `urgencies[]` and `service_ids[]` filters (repeatable,
 * brackets literal or encoded), `limit` (at most 100) and `offset` paging with `more`, errors as
 * `{"error":{"code","message","errors"}}`, 429 with the `ratelimit-*` headers (reset in seconds).
 */
import { FaultQueue, sendJson, startServer, type FakeServer, type RecordedRequest } from './http.js';

export interface FakeIncident {
  id: string;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  serviceId: string;
  createdAt: string;
  /** a priority name (P1…), or none when the account does not use priorities */
  priority?: string;
}

export interface PagerDutyFake extends FakeServer {
  faults: FaultQueue;
  setIncidents(list: FakeIncident[]): void;
  /** the next `times` requests answer 429 with `ratelimit-reset` `resetInS` seconds */
  rateLimit(opts: { resetInS: number; times?: number }): void;
}

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 25;

export function pdError(
  code: number,
  message: string,
  errors: string[] = [],
): { error: { code: number; message: string; errors: string[] } } {
  return { error: { code, message, errors } };
}

export async function startPagerDutyFake(opts: { token: string; incidents?: FakeIncident[] }): Promise<PagerDutyFake> {
  let incidents = opts.incidents ?? [];
  const faults = new FaultQueue();

  const server = await startServer(async (req, res) => {
    if (await faults.apply(req, res)) return;
    if (req.headers.authorization !== `Token token=${opts.token}`) {
      return sendJson(res, 401, pdError(2006, 'Authentication failed', ['The provided credentials are invalid']));
    }
    if (req.method !== 'GET' || req.path !== '/incidents') return sendJson(res, 404, pdError(2100, 'Not Found'));
    const out = list(req);
    sendJson(res, out.status, out.body);
  });

  function list(req: RecordedRequest): { status: number; body: unknown } {
    const all = (name: string) => [...req.query.getAll(`${name}[]`), ...req.query.getAll(name)];
    const statuses = all('statuses');
    const urgencies = all('urgencies');
    const services = all('service_ids');
    const limit = Number(req.query.get('limit') ?? DEFAULT_LIMIT);
    const offset = Number(req.query.get('offset') ?? 0);
    const bad = statuses.find((s) => !['triggered', 'acknowledged', 'resolved'].includes(s));
    if (bad !== undefined)
      return { status: 400, body: pdError(2001, 'Invalid Input Provided', [`Statuses ${bad} is not a valid status`]) };
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || !Number.isInteger(offset) || offset < 0) {
      return {
        status: 400,
        body: pdError(2001, 'Invalid Input Provided', ['Limit must be between 1 and 100, offset non-negative']),
      };
    }
    // PagerDuty's default for a list without statuses is every status
    const matching = incidents.filter(
      (i) =>
        (statuses.length === 0 || statuses.includes(i.status)) &&
        (urgencies.length === 0 || urgencies.includes(i.urgency)) &&
        (services.length === 0 || services.includes(i.serviceId)),
    );
    const pageItems = matching.slice(offset, offset + limit);
    return {
      status: 200,
      body: {
        incidents: pageItems.map((i, n) => ({
          id: i.id,
          type: 'incident',
          summary: `[#${1000 + offset + n}] ${i.title}`,
          incident_number: 1000 + offset + n,
          title: i.title,
          status: i.status,
          urgency: i.urgency,
          created_at: i.createdAt,
          html_url: `https://acme.pagerduty.com/incidents/${i.id}`,
          service: { id: i.serviceId, type: 'service_reference', summary: i.serviceId },
          priority:
            i.priority === undefined
              ? null
              : { id: `PRI${i.priority}`, type: 'priority_reference', summary: i.priority },
        })),
        limit,
        offset,
        more: offset + limit < matching.length,
        total: null,
      },
    };
  }

  return {
    ...server,
    faults,
    setIncidents: (list) => {
      incidents = list;
    },
    rateLimit: ({ resetInS, times }) =>
      faults.inject(
        {
          kind: 'status',
          status: 429,
          body: pdError(2020, 'Rate Limit Exceeded', ['You have exceeded the rate limit']),
          headers: { 'ratelimit-limit': '960', 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetInS) },
        },
        { times: times ?? 1 },
      ),
  };
}
