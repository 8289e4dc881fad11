/**
 * A loopback Datadog metrics API (providers.md §6 and its appendix): v2 `POST /api/v2/query/timeseries`
 * (from/to in ms, `to` exclusive) and v1 `GET /api/v1/query` (from/to in seconds), answered from an
 * in-memory table keyed by the exact query text; ms timestamps in every answer, `null` gaps,
 * `{"errors": [...]}` bodies, 403 on wrong keys, 429 with `X-RateLimit-Reset` in seconds.
 */
import { FaultQueue, sendJson, startServer, type FakeServer, type RecordedRequest } from './http.js';

export interface FakeSeries {
  /** `cohort:canary`, `env:prod`: v2 `group_tags`, v1 `tag_set` */
  tags?: string[];
  /** [epoch ms, value or null for a gap] */
  points: Array<[number, number | null]>;
}

export interface DatadogFake extends FakeServer {
  faults: FaultQueue;
  setSeries(query: string, series: FakeSeries[]): void;
  /** the next `times` requests answer 429 with the reset `resetInS` seconds ahead */
  rateLimit(opts: { resetInS: number; times?: number }): void;
}

/** ms timestamps are > 1e11 (1973 onwards); smaller `from` values in a v2 body are seconds by mistake. */
const MS_THRESHOLD = 1e11;

export async function startDatadogFake(opts: {
  apiKey: string;
  appKey: string;
  series?: Record<string, FakeSeries[]>;
}): Promise<DatadogFake> {
  const table = new Map<string, FakeSeries[]>(Object.entries(opts.series ?? {}));
  const faults = new FaultQueue();

  const server = await startServer(async (req, res) => {
    if (await faults.apply(req, res)) return;
    if (req.headers['dd-api-key'] !== opts.apiKey || req.headers['dd-application-key'] !== opts.appKey) {
      return sendJson(res, 403, { errors: ['Forbidden'] });
    }
    if (req.method === 'POST' && req.path === '/api/v2/query/timeseries') return answer(res, v2(req));
    if (req.method === 'GET' && req.path === '/api/v1/query') return answer(res, v1(req));
    sendJson(res, 404, { errors: ['Not found'] });
  });

  function answer(res: Parameters<typeof sendJson>[0], out: { status: number; body: unknown }): void {
    sendJson(res, out.status, out.body);
  }

  const bad = (message: string) => ({ status: 400, body: { errors: [message] } });

  function v2(req: RecordedRequest): { status: number; body: unknown } {
    let body: {
      data?: { type?: string; attributes?: { from?: unknown; to?: unknown; queries?: Array<{ query?: unknown }> } };
    };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return bad('Invalid JSON');
    }
    const a = body.data?.attributes;
    if (body.data?.type !== 'timeseries_request' || !a) return bad('data.type must be timeseries_request');
    if (typeof a.from !== 'number' || typeof a.to !== 'number') return bad('from and to are required');
    if (a.from < MS_THRESHOLD || a.to < MS_THRESHOLD) return bad('from and to are in milliseconds');
    const { from, to } = a as { from: number; to: number };
    const queries = a.queries ?? [];
    if (queries.length === 0 || queries.some((q) => typeof q.query !== 'string'))
      return bad('queries must not be empty');
    const found = queries.flatMap((q, qi) => (table.get(q.query as string) ?? []).map((s) => ({ s, qi })));
    const inWindow = (t: number) => t >= from && t < to;
    const times = [...new Set(found.flatMap(({ s }) => s.points.map(([t]) => t).filter(inWindow)))].sort(
      (x, y) => x - y,
    );
    return {
      status: 200,
      body: {
        data: {
          type: 'timeseries_response',
          attributes: {
            series: found.map(({ s, qi }) => ({ query_index: qi, group_tags: s.tags ?? [], unit: null })),
            times,
            values: found.map(({ s }) => times.map((t) => s.points.find(([pt]) => pt === t)?.[1] ?? null)),
          },
        },
      },
    };
  }

  function v1(req: RecordedRequest): { status: number; body: unknown } {
    const query = req.query.get('query');
    const from = Number(req.query.get('from'));
    const to = Number(req.query.get('to'));
    if (!query) return bad("The value provided for parameter 'query' is invalid");
    if (!Number.isInteger(from) || !Number.isInteger(to) || from > MS_THRESHOLD || to > MS_THRESHOLD)
      return bad('from and to are unix seconds');
    const series = (table.get(query) ?? []).map((s, i) => {
      const pointlist = s.points.filter(([t]) => t >= from * 1000 && t <= to * 1000);
      return {
        metric: query.replace(/^\w+:/, '').replace(/\{.*$/, ''),
        expression: query,
        scope: s.tags?.join(',') || '*',
        tag_set: s.tags ?? [],
        aggr: 'avg',
        interval: 60,
        length: pointlist.length,
        start: pointlist[0]?.[0] ?? from * 1000,
        end: pointlist.at(-1)?.[0] ?? to * 1000,
        query_index: i,
        unit: null,
        pointlist,
      };
    });
    return {
      status: 200,
      body: {
        status: 'ok',
        res_type: 'time_series',
        query,
        from_date: from * 1000,
        to_date: to * 1000,
        group_by: [],
        series,
      },
    };
  }

  return {
    ...server,
    faults,
    setSeries: (query, series) => void table.set(query, series),
    rateLimit: ({ resetInS, times }) =>
      faults.inject(
        {
          kind: 'status',
          status: 429,
          body: { errors: ['Rate limit of 1600 requests in 3600 seconds reached.'] },
          headers: {
            'X-RateLimit-Limit': '1600',
            'X-RateLimit-Period': '3600',
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': String(resetInS),
            'X-RateLimit-Name': 'query',
          },
        },
        { times: times ?? 1 },
      ),
  };
}
