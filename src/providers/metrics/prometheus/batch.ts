/**
 * The few newest points of many range queries asked in one request. With `cache: true` a check asks
 * each of its metrics for the minutes since the points it kept: 40 requests of a few points each, where
 * Prometheus' cost per request outweighs the work. The requests made in the same turn of the event loop
 * over the same range and step go as one query:
 *
 *   label_replace(Q0, "__rollout_batch", "0", "", "") or label_replace(Q1, "__rollout_batch", "1", "", "") or …
 *
 * and the answer is split back by that label, each part read exactly as its own answer would be.
 * Anything unusual sends every query on its own instead, so each gets its own answer or its own error:
 * the combined request failing (an error in one query, a scalar query label_replace refuses, HTTP),
 * warnings (they could not be told apart), or a part that cannot be read. A query with a `#` (a
 * PromQL comment, which runs to the end of the line) is always asked alone.
 */
import type { Cohort } from '../../types.js';
import { parseSamples, prometheusError, type TimedValue } from './answer.js';

const LABEL = '__rollout_batch';

export interface Recent {
  samples: TimedValue[];
  warnings: string[];
}

interface Member {
  query: string;
  cohort: Cohort;
  alone: () => Promise<Recent>;
  resolve: (r: Recent) => void;
  reject: (e: unknown) => void;
}

interface Group {
  from: number;
  to: number;
  step: number;
  members: Member[];
}

export type Send = (
  query: string,
  from: number,
  to: number,
  step: number,
) => Promise<{ status: number; body: unknown }>;

/** A function asking one query's recent points, batched with the others asked in the same turn. */
export function createBatcher(send: Send) {
  const groups = new Map<string, Group>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const all = [...groups.values()];
    groups.clear();
    for (const g of all) void run(g);
  };

  const run = async (g: Group) => {
    const alone = (m: Member) => m.alone().then(m.resolve, m.reject);
    if (g.members.length === 1) return alone(g.members[0]!);
    const parts = await combined(g).catch(() => undefined);
    g.members.forEach((m, i) => {
      const p = parts?.[i];
      if (p) m.resolve(p);
      else void alone(m);
    });
  };

  /** The answer of each member, or undefined for the members (or all) that must be asked on their own. */
  const combined = async (g: Group): Promise<(Recent | undefined)[]> => {
    const query = g.members.map((m, i) => `label_replace(${m.query}, "${LABEL}", "${i}", "", "")`).join(' or ');
    const { status, body } = await send(query, g.from, g.to, g.step);
    if (status !== 200 || prometheusError(body)) throw new Error('the combined query was refused');
    const b = body as { status?: unknown; warnings?: unknown; data?: { resultType?: unknown; result?: unknown } };
    if (b.status !== 'success' || (Array.isArray(b.warnings) && b.warnings.length > 0)) throw new Error('no');
    if (b.data?.resultType !== 'matrix' || !Array.isArray(b.data.result)) throw new Error('not a matrix');
    const byMember: unknown[][] = g.members.map(() => []);
    for (const r of b.data.result as { metric?: Record<string, string> }[]) {
      const i = Number(r?.metric?.[LABEL]);
      if (!Number.isInteger(i) || i < 0 || i >= g.members.length) throw new Error('a series of no member');
      const { [LABEL]: _label, ...metric } = r.metric!;
      byMember[i]!.push({ ...r, metric });
    }
    return g.members.map((m, i) => {
      try {
        return parseSamples({
          body: { status: 'success', data: { resultType: 'matrix', result: byMember[i] } },
          cohort: m.cohort,
        });
      } catch {
        return undefined; // asked on its own: its own error, with its own query
      }
    });
  };

  return (m: { query: string; cohort: Cohort; from: number; to: number; step: number; alone: () => Promise<Recent> }) =>
    new Promise<Recent>((resolve, reject) => {
      // a comment runs to the end of its line: such a query could swallow the ones after it
      if (m.query.includes('#')) return void m.alone().then(resolve, reject);
      const key = `${m.from}:${m.to}:${m.step}`;
      let g = groups.get(key);
      if (!g) {
        g = { from: m.from, to: m.to, step: m.step, members: [] };
        groups.set(key, g);
      }
      g.members.push({ query: m.query, cohort: m.cohort, alone: m.alone, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
