/**
 * `rollout status --all [DIR]`: every rollout whose plan is in DIR (default: the current folder), in
 * one table: plan, phase, traffic, state, what it waits for, when it is next eligible; `--json` too.
 * Each plan is read through its own store (file or PostgreSQL) and judged against its providers,
 * several plans at a time (a bounded pool: `pooled`, hand-written because p-limit is only a
 * transitive package here, not a dependency), so the cost grows linearly with the plans and
 * no provider receives more than POOL requests at once from this command. A plan that cannot be
 * read or judged is a row with its error, and the command exits 1: no data is never "fine".
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../engine/flows/evaluate.js';
import { loadState } from '../../engine/session.js';
import { RolloutError } from '../../errors.js';
import type { GlobalOptions, Io } from '../io.js';
import { loadPlan } from '../load-plan.js';
import { renderTable } from '../render.js';
import { buildServices } from '../build-services.js';
import { createIo } from '../io.js';
import { phaseServed } from '../../reports/served.js';
import { ofAllUsers } from '../../plan/of-all.js';

const POOL = 8;

interface Row {
  file: string;
  plan: string | null;
  phase: string | null;
  traffic: number | null;
  /** the phase's audience: its traffic is a share of it */
  audience?: string | undefined;
  /** for `of: all`: the share of all users the traffic stands for */
  trafficOfAllUsers?: number | undefined;
  /** what the phase serves, said with its audience (and of all users for `of: all`) */
  served?: string | undefined;
  state: string | null;
  waitingFor: string[];
  eligibleAt: string | null;
  error?: string | undefined;
}

export async function statusAllCommand(dir: string | undefined, global: GlobalOptions): Promise<number> {
  const io = await createIo(global);
  const folder = path.resolve(dir ?? '.');
  let files: string[];
  try {
    files = readdirSync(folder)
      .filter((f) => /\.ya?ml$/i.test(f))
      .sort()
      .map((f) => path.join(folder, f));
  } catch (e) {
    throw new RolloutError('usage', `cannot list the plans in ${folder}: ${(e as Error).message}`);
  }
  const rows = await pooled(files, POOL, (f) => statusRow(f, io));
  const failed = rows.filter((r) => r.error).length;
  if (global.json) {
    io.json({ dir: folder, plans: rows.length, failed, rollouts: rows });
  } else if (rows.length === 0) {
    io.out(`no plans in ${folder}`);
  } else {
    io.out(
      renderTable(
        ['plan', 'phase', 'traffic', 'state', 'waiting for', 'next eligible'],
        rows.map((r) =>
          r.error
            ? [r.plan ?? path.basename(r.file), '', '', 'error', r.error, '']
            : [
                r.plan!,
                r.phase!,
                r.served ?? `${r.traffic}%`,
                r.state!,
                r.waitingFor.join(', ') || '-',
                r.eligibleAt ?? (r.state === 'in-progress' || r.state === 'not-started' ? 'now' : '-'),
              ],
        ),
        io.style,
      ),
    );
  }
  return failed > 0 ? 1 : 0;
}

async function statusRow(file: string, io: Io): Promise<Row> {
  const row: Row = { file, plan: null, phase: null, traffic: null, state: null, waitingFor: [], eligibleAt: null };
  try {
    const loaded = await loadPlan(file, io);
    row.plan = loaded.plan.name;
    const { services } = buildServices({ loaded, io, command: 'status' });
    const state = await loadState(loaded.plan, services);
    Object.assign(row, {
      phase: state.phase,
      traffic: state.traffic,
      audience: loaded.plan.phases[state.phaseIndex]?.audience,
      trafficOfAllUsers: ofAllUsers(loaded.plan, loaded.plan.phases[state.phaseIndex], state.traffic),
      served: phaseServed(loaded.plan, state.phase, state.traffic),
      state: state.status,
    });
    if (['completed', 'rolled-back', 'rolling-back'].includes(state.status)) return row;
    const ev = await evaluate(loaded.plan, services);
    row.waitingFor = ev.gate.criteria.filter((c) => c.verdict !== 'pass').map((c) => c.name);
    row.eligibleAt = ev.gate.eligibleAt ?? null;
  } catch (e) {
    row.error = e instanceof RolloutError ? e.message : `unexpected error: ${(e as Error).message}`;
  }
  return row;
}

/** `fn` over every item, at most `size` at a time, results in the items' order. */
async function pooled<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}
