/**
 * What a crash leaves behind: side effects journaled as started with no outcome. Pure. The engine
 * reports them (and closes them in the journal) so an operator knows exactly what may have landed;
 * reconciling the state from them is the job of crash recovery.
 */
import type { JournalEntry } from '../state/types.js';

export function unfinishedEffects(journal: JournalEntry[]): JournalEntry[] {
  const open = new Map<string, JournalEntry>();
  for (const e of journal) {
    if (!e.effect) continue;
    if (e.type === 'effect.start') open.set(e.effect, e);
    else if (e.type === 'effect.done' || e.type === 'effect.failed' || e.type === 'effect.interrupted') open.delete(e.effect);
  }
  return [...open.values()];
}

export function describeEffect(e: JournalEntry): string {
  const d = e.data as { action?: string; target?: { traffic?: number; audience?: string }; command?: string; component?: string };
  const what =
    d.action === 'flag.set-traffic'
      ? `set the flag to ${d.target?.traffic}%${d.target?.audience ? ` of ${d.target.audience}` : ''}`
      : d.action === 'flag.disable'
        ? 'turn the flag off'
        : d.action === 'command.run'
          ? `run \`${d.command}\` (${d.component})`
          : String(d.action);
  return `${what}, started ${e.at} in phase ${e.phase ?? '-'}`;
}
