/**
 * `rollout note PLAN "text" [--kind issue|feedback]`: adds a note to the rollout's issue log (issue, the
 * default) or its user-feedback section (feedback), with who wrote it (engine/flows/note.ts).
 */
import { addNote } from '../../engine/flows/note.js';
import { RolloutError } from '../../errors.js';
import { actorName } from '../build-services.js';
import { currentRunner } from '../identity.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

export async function noteCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const kind = (opts['kind'] as string | undefined) ?? 'issue';
  if (kind !== 'issue' && kind !== 'feedback')
    throw new RolloutError('usage', `--kind "${kind}" is not one of issue, feedback`);
  const positional = (opts['positional'] as string[] | undefined) ?? [];
  const text = positional[1];
  if (text === undefined)
    throw new RolloutError('usage', "'note' needs the note's text", {
      hint: 'rollout note PLAN "what you saw" [--kind issue|feedback]',
    });
  const { io, loaded, services } = await prepare(planFile, global, 'note', { seedOwned: true });
  const runner = currentRunner(process.env, loaded.baseDir);
  const note = await addNote(loaded.plan, services, { text, kind, by: actorName(global.by), runner });
  if (global.json) io.json({ plan: loaded.plan.name, note });
  else io.out(`${kind === 'issue' ? 'issue' : 'feedback'} noted in "${note.phase}" by ${note.by}`);
  return 0;
}
