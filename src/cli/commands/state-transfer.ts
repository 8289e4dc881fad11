/**
 * `rollout state export PLAN > f.json` and `rollout state import PLAN f.json`: a rollout's state and
 * whole journal as one JSON document, to move it between backends (file ⇄ PostgreSQL) losslessly:
 * entries keep their seq, text and key order, the state its fields. Import writes into an empty
 * place only (a rollout already there is never overwritten), under the lock: the entries up to the
 * seq the state was saved at, the state, then the rest, so the state keeps its seq and an import that
 * stops half-way leaves no state that claims entries it lacks.
 */
import { readFileSync } from 'node:fs';
import { withLock } from '../../engine/session.js';
import { RolloutError } from '../../errors.js';
import { validateState } from '../../state/state-check.js';
import type { JournalEntry } from '../../state/types.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export const EXPORT_FORMAT = 'rollout-state/1';

interface Exported {
  format: typeof EXPORT_FORMAT;
  plan: string;
  state: unknown;
  journal: JournalEntry[];
}

export async function stateCommand(
  action: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const [, planFile, file] = (opts['positional'] as string[] | undefined) ?? [];
  if (action === 'export') {
    if (file !== undefined)
      throw new RolloutError('usage', `'state export' writes to stdout: rollout state export PLAN > ${file}`);
    const { io, loaded, services } = await prepare(planFile, global, 'state export');
    const state = (await services.store.load()) ?? null;
    const journal = await services.store.journal();
    const doc: Exported = { format: EXPORT_FORMAT, plan: loaded.plan.name, state, journal };
    await io.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  if (action !== 'import')
    throw new RolloutError('usage', `unknown state action "${action}"`, {
      hint: 'rollout state export PLAN > rollout.json, then rollout state import PLAN rollout.json',
    });
  if (!file) throw new RolloutError('usage', "'state import' needs the exported file: rollout state import PLAN FILE");
  const { io, loaded, services } = await prepare(planFile, global, 'state import');
  const doc = readExport(file, loaded.plan.name);
  const state = doc.state === null ? undefined : await validateState(doc.state, loaded.plan, file);
  await withLock(services, async () => {
    const { store } = services;
    if ((await store.load()) !== undefined || (await store.summary()).lastSeq > 0)
      throw new RolloutError(
        'usage',
        `${store.describe()} already holds a rollout of "${loaded.plan.name}"; nothing was imported`,
        { hint: 'import into an empty state folder or database; `rollout reset` never removes a journal' },
      );
    // the entries the state was saved after, the state (stamped with that seq, as it was), then the rest
    const savedAt = Math.min(state?.journalSeq ?? doc.journal.length, doc.journal.length);
    for (const e of doc.journal) {
      const { seq, ...rest } = e;
      const written = await store.append(rest);
      if (written.seq !== seq)
        throw new RolloutError('corrupt', `importing seq ${seq} gave seq ${written.seq}; the import stopped there`);
      if (state && seq === savedAt) await store.save(state);
    }
    if (state && savedAt === 0) await store.save(state);
  });
  if (global.json)
    io.json({ plan: loaded.plan.name, imported: { entries: doc.journal.length, state: Boolean(state) } });
  else
    io.out(
      `imported ${doc.journal.length} journal entries${state ? ' and the state' : ''} into ${services.store.describe()}`,
    );
  return 0;
}

function readExport(file: string, plan: string): Exported {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RolloutError('usage', `${file} is not a rollout export (${(e as Error).message})`, {
      hint: 'make one with rollout state export PLAN > FILE',
    });
  }
  const d = raw as Partial<Exported> | null;
  if (!d || typeof d !== 'object' || d.format !== EXPORT_FORMAT || !Array.isArray(d.journal))
    throw new RolloutError('usage', `${file} is not a rollout export (format "${EXPORT_FORMAT}")`, {
      hint: 'make one with rollout state export PLAN > FILE',
    });
  if (d.plan !== plan)
    throw new RolloutError(
      'usage',
      `${file} holds the rollout of plan "${String(d.plan)}", not "${plan}"; nothing was imported`,
    );
  d.journal.forEach((e, i) => {
    if (!e || typeof e !== 'object' || e.seq !== i + 1 || typeof e.type !== 'string' || typeof e.at !== 'string')
      throw new RolloutError(
        'usage',
        `${file}: journal entry ${i + 1} is not an entry with seq ${i + 1}; nothing was imported`,
      );
  });
  return { format: EXPORT_FORMAT, plan, state: d.state ?? null, journal: d.journal };
}
