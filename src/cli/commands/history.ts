import { inspectJournal } from '../../engine/session.js';
import type { GlobalOptions } from '../io.js';
import { renderTable } from '../render.js';
import { prepare } from './common.js';

export async function historyCommand(planFile: string | undefined, _opts: Record<string, unknown>, global: GlobalOptions): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'history');
  await inspectJournal(services);
  const entries = await services.store.journal();
  if (global.json) {
    io.json({ plan: loaded.plan.name, entries });
    return 0;
  }
  if (entries.length === 0) {
    io.out(`no events yet for ${loaded.plan.name}`);
    return 0;
  }
  io.out(
    renderTable(
      ['#', 'at', 'phase', 'event', 'detail'],
      entries.map((e) => [String(e.seq), e.at + (e.clock === 'ROLLOUT_NOW' ? '*' : ''), e.phase ?? '', e.type, describe(e.data)]),
      io.style,
    ),
  );
  if (entries.some((e) => e.clock === 'ROLLOUT_NOW')) io.out(io.style.dim('* time from ROLLOUT_NOW'));
  return 0;
}

function describe(d: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const k of ['action', 'decision', 'from', 'to', 'traffic', 'by', 'status', 'text', 'command', 'exitCode', 'error', 'reason']) {
    if (d[k] !== undefined && d[k] !== null) parts.push(`${k}=${typeof d[k] === 'object' ? JSON.stringify(d[k]) : String(d[k])}`);
  }
  return parts.join(' ');
}
