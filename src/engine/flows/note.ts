/**
 * `note`: a person's note (an issue seen, or user feedback) added to the rollout, through the one road:
 * read (under the lock) → decide (clean the text) → commit (state, then journal). Note text is hostile
 * input: control characters and escape sequences are removed, the plan's secrets masked, and its length
 * bounded; reports escape it for Markdown and HTML when they render it.
 */
import { RolloutError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';
import { stripControls } from '../../sanitize.js';
import type { NoteRecord } from '../../state/types.js';
import { commit } from '../commit.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';

/** Longer notes are cut here: a note is a line or a paragraph, not a document. */
export const NOTE_MAX = 2000;

export async function addNote(
  plan: Plan,
  services: Services,
  args: { text: string; kind: NoteRecord['kind']; by: string; runner: unknown },
): Promise<NoteRecord> {
  const cleaned = services.redactor.text(stripControls(args.text)).trim();
  if (cleaned.length === 0)
    throw new RolloutError('usage', 'the note is empty', {
      hint: 'rollout note PLAN "what you saw" [--kind issue|feedback]',
    });
  const text = cleaned.length > NOTE_MAX ? `${cleaned.slice(0, NOTE_MAX - 1)}…` : cleaned;
  const by = stripControls(args.by);
  return withLock(services, async () => {
    const state = await loadState(plan, services);
    const at = new Date(services.clock.now()).toISOString();
    const note: NoteRecord = { at, by, kind: args.kind, phase: state.phase, text, runner: args.runner };
    await commit({
      plan,
      services,
      state: { ...state, notes: [...(state.notes ?? []), note], updatedAt: at },
      event: { type: 'note.added', phase: state.phase, data: { kind: args.kind, text, by, runner: args.runner } },
      reportPhases: [state.phase],
    });
    return note;
  });
}
