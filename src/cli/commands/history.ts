/**
 * `rollout history PLAN`: the event journal. Written as it is read, a piece at a time and at the
 * reader's pace, so a journal of any length prints without being held whole (the table takes two
 * passes: its column widths, then its rows).
 */
import { inspectJournal } from '../../engine/session.js';
import type { JournalEntry } from '../../state/types.js';
import type { GlobalOptions, Io } from '../io.js';
import { tableLines, textWidth } from '../render.js';
import { prepare } from './common.js';

const HEAD = ['#', 'at', 'phase', 'event', 'detail'];
const CHUNK = 256 * 1024;

export async function historyCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'history');
  await inspectJournal(services);
  const out = chunked(io);

  if (global.json) {
    let n = 0;
    await out.emit(`{\n  "plan": ${JSON.stringify(loaded.plan.name)},\n  "entries": [`);
    for await (const e of services.store.entries())
      await out.emit(`${n++ === 0 ? '' : ','}\n    ${JSON.stringify(e, null, 2).replace(/\n/g, '\n    ')}`);
    await out.emit(`${n === 0 ? '' : '\n  '}]\n}\n`);
    await out.flush();
    return 0;
  }

  const widths = HEAD.map(textWidth);
  let count = 0;
  let simulated = false;
  for await (const e of services.store.entries()) {
    row(e).forEach((c, i) => {
      widths[i] = Math.max(widths[i]!, textWidth(c));
    });
    count++;
    simulated ||= e.clock === 'ROLLOUT_NOW';
  }
  if (count === 0) {
    io.out(`no events yet for ${loaded.plan.name}`);
    return 0;
  }
  const table = tableLines(HEAD, widths, io.style);
  await out.emit(`${table.head}\n`);
  for await (const e of services.store.entries()) await out.emit(`${table.row(row(e))}\n`);
  await out.flush();
  if (simulated) io.out(io.style.dim('* time from ROLLOUT_NOW'));
  return 0;
}

/** Gathers output into pieces of CHUNK characters, each written when the reader is ready for it. */
function chunked(io: Io): { emit(text: string): Promise<void>; flush(): Promise<void> } {
  let buffered = '';
  return {
    async emit(text) {
      buffered += text;
      if (buffered.length < CHUNK) return;
      const piece = buffered;
      buffered = '';
      await io.write(piece);
    },
    async flush() {
      const piece = buffered;
      buffered = '';
      if (piece) await io.write(piece);
    },
  };
}

function row(e: JournalEntry): string[] {
  return [String(e.seq), e.at + (e.clock === 'ROLLOUT_NOW' ? '*' : ''), e.phase ?? '', e.type, describe(e.data)];
}

function describe(d: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const k of [
    'action',
    'decision',
    'from',
    'to',
    'traffic',
    'by',
    'status',
    'text',
    'command',
    'exitCode',
    'error',
    'reason',
  ]) {
    if (d[k] !== undefined && d[k] !== null)
      parts.push(`${k}=${typeof d[k] === 'object' ? JSON.stringify(d[k]) : String(d[k])}`);
  }
  return parts.join(' ');
}
