/**
 * A loopback LaunchDarkly REST API v2, close enough to the documented one (providers.md §1 and its
 * appendix): GET a flag (variations by index), PATCH a semantic patch (weights keyed by `_id`, summing
 * to 100000, all-or-nothing), 400 for a JSON-patch content type, 401/404/405/409/429 with LD's error
 * bodies and `X-Ratelimit-Reset` in epoch ms. Faults from a FaultQueue come first.
 */
import type { LdFlag } from '../../../src/providers/flags/launchdarkly/api.js';
import { evaluate, type LdContext, type Segments } from './launchdarkly-eval.js';
import { applyInstruction, Invalid } from './launchdarkly-patch.js';
import { FaultQueue, sendJson, startServer, type FakeServer, type RecordedRequest } from './http.js';

type Env = LdFlag['environments'][string];
type Json = Record<string, unknown>;

export interface LaunchDarklyFake extends FakeServer {
  faults: FaultQueue;
  /** a deep copy of a flag as stored */
  flag(key: string): LdFlag;
  env(key: string, environment?: string): Env;
  setFlag(flag: LdFlag): void;
  /** PATCHes answer 405 "approval required" while set */
  requireApproval: boolean;
  /** the next PATCH answers 409 optimistic_locking_error */
  conflictOnce(): void;
  /** the next `times` requests answer 429 with the reset `resetInMs` ahead */
  rateLimit(opts: { resetInMs: number; retryAfterS?: number; times?: number }): void;
  /** what the stored flag serves a context, evaluated as LaunchDarkly's SDKs do (launchdarkly-eval.ts) */
  evaluate(key: string, context: LdContext, environment?: string): { variation: number | undefined; value: unknown };
  /** segment key → the context keys it includes, for `segmentMatch` clauses */
  segments: Segments;
  /** semantic patches applied (not rejected ones) */
  applied: Array<{ comment?: string; instructions: Json[] }>;
}

/** A boolean flag (`true` = index 0, `false` = index 1, off serves false) in one environment. */
export function booleanFlag(args: {
  key: string;
  environment?: string;
  on?: boolean;
  fallthrough?: Env['fallthrough'];
  rules?: Env['rules'];
}): LdFlag {
  return {
    key: args.key,
    kind: 'boolean',
    _version: 1,
    variations: [
      { _id: `${args.key}-true-id`, value: true },
      { _id: `${args.key}-false-id`, value: false },
    ],
    environments: {
      [args.environment ?? 'production']: {
        on: args.on ?? false,
        offVariation: 1,
        fallthrough: args.fallthrough ?? { variation: 1 },
        rules: args.rules ?? [],
        version: 1,
        salt: `${args.key}-salt`,
        lastModified: 1796000000000,
        targets: [],
        contextTargets: [],
        prerequisites: [],
        archived: false,
      },
    },
  };
}

export async function startLaunchDarklyFake(opts: {
  token: string;
  project?: string;
  flags?: LdFlag[];
}): Promise<LaunchDarklyFake> {
  const project = opts.project ?? 'default';
  const flags = new Map<string, LdFlag>((opts.flags ?? []).map((f) => [f.key, structuredClone(f)]));
  const faults = new FaultQueue();
  const applied: LaunchDarklyFake['applied'] = [];
  const segments: Segments = {};
  let ids = 0;
  // LaunchDarkly's error bodies carry the request's id beside code and message
  let requests = 0;
  const requestId = () => `req-${(++requests).toString(16).padStart(8, '0')}`;
  const state = { requireApproval: false };

  const server = await startServer(async (req, res) => {
    if (await faults.apply(req, res)) return;
    if (req.headers.authorization !== opts.token) {
      return sendJson(res, 401, { id: requestId(), code: 'unauthorized', message: 'Invalid account token' });
    }
    const m = /^\/api\/v2\/flags\/([^/]+)\/([^/]+)$/.exec(req.path);
    const flag = m && decodeURIComponent(m[1]!) === project ? flags.get(decodeURIComponent(m[2]!)) : undefined;
    if (!flag) return sendJson(res, 404, { id: requestId(), code: 'not_found', message: 'Unknown resource' });
    if (req.method === 'GET') return sendJson(res, 200, view(flag, req.query.get('env')));
    if (req.method !== 'PATCH')
      return sendJson(res, 405, { id: requestId(), code: 'method_not_allowed', message: 'Method not allowed' });
    if (!/domain-model=launchdarkly\.semanticpatch/.test(req.headers['content-type'] ?? '')) {
      return sendJson(res, 400, {
        id: requestId(),
        code: 'invalid_request',
        message: 'A JSON patch must be an array of operations',
      });
    }
    if (state.requireApproval)
      return sendJson(res, 405, {
        id: requestId(),
        code: 'method_not_allowed',
        message: 'Approval is required to make changes to this flag',
      });
    try {
      const next = applyPatch(flag, req);
      flags.set(next.key, next);
      sendJson(res, 200, next);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      sendJson(res, 400, { id: requestId(), code: 'invalid_request', message: e.message });
    }
  });

  function view(flag: LdFlag, env: string | null): LdFlag {
    if (!env) return flag;
    return { ...flag, environments: Object.fromEntries(Object.entries(flag.environments).filter(([k]) => k === env)) };
  }

  /** All-or-nothing: instructions apply to a copy that replaces the flag only when every one was valid. */
  function applyPatch(flag: LdFlag, req: RecordedRequest): LdFlag {
    let body: Json;
    try {
      body = JSON.parse(req.body) as Json;
    } catch {
      throw new Invalid('body is not JSON');
    }
    const envKey = body.environmentKey;
    const instructions = body.instructions;
    if (typeof envKey !== 'string' || !Array.isArray(instructions) || instructions.length === 0) {
      throw new Invalid('semantic patch needs environmentKey and instructions');
    }
    const next = structuredClone(flag);
    const env = next.environments[envKey];
    if (!env) throw new Invalid(`unknown environment ${envKey}`);
    for (const raw of instructions as Json[]) applyInstruction(next, env, raw, () => ++ids);
    env.version = (env.version ?? 0) + 1;
    next._version = (next._version ?? 0) + 1;
    applied.push({
      ...(typeof body.comment === 'string' ? { comment: body.comment } : {}),
      instructions: instructions as Json[],
    });
    return next;
  }

  return {
    ...server,
    faults,
    applied,
    get requireApproval() {
      return state.requireApproval;
    },
    set requireApproval(v: boolean) {
      state.requireApproval = v;
    },
    segments,
    evaluate: (key, context, environment = 'production') => evaluate(flags.get(key)!, environment, context, segments),
    flag: (key) => structuredClone(flags.get(key)!),
    env: (key, environment = 'production') => structuredClone(flags.get(key)!.environments[environment]!),
    setFlag: (flag) => void flags.set(flag.key, structuredClone(flag)),
    conflictOnce: () =>
      faults.inject(
        {
          kind: 'status',
          status: 409,
          body: { code: 'optimistic_locking_error', message: 'Conflict: the flag was changed concurrently' },
        },
        { method: 'PATCH' },
      ),
    rateLimit: ({ resetInMs, retryAfterS, times }) =>
      faults.inject(
        {
          kind: 'status',
          status: 429,
          body: { code: 'rate_limited', message: 'You have made too many requests' },
          headers: () => ({
            'X-Ratelimit-Reset': String(Date.now() + resetInMs),
            'X-Ratelimit-Route-Remaining': '0',
            ...(retryAfterS !== undefined ? { 'Retry-After': String(retryAfterS) } : {}),
          }),
        },
        { times: times ?? 1 },
      ),
  };
}
