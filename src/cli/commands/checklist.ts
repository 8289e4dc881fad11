/** `rollout checklist`: parse (the answers file), run the engine's flow (engine/flows/checklist.ts), render. */
import { runChecklist as runChecklistFlow, type ChecklistOutcome } from '../../engine/flows/checklist.js';
import { readAnswers } from '../answers-file.js';
import type { GlobalOptions } from '../io.js';
import { nonInteractiveError } from '../prompt.js';
import { renderTable } from '../render.js';
import { prepare, type CommandContext } from './common.js';

export async function checklistCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const ctx = await prepare(planFile, global, 'checklist', { seedOwned: true });
  const { io } = ctx;
  if (!global.yes && !global.answers && !(io.stdinTTY && io.stdoutTTY)) throw nonInteractiveError('checklist');
  const result = await runChecklist(ctx);
  if (global.json)
    io.json({ plan: ctx.loaded.plan.name, phase: result.phase, complete: result.complete, items: result.items });
  else {
    io.out(
      renderTable(
        ['item', 'status', 'by', 'note'],
        result.items.map((i) => [
          i.text,
          i.status,
          i.by ?? '-',
          i.reason ?? i.detail ?? (i.exitCode !== undefined ? `exit ${i.exitCode}` : ''),
        ]),
        io.style,
      ),
    );
    io.out(
      result.complete
        ? io.style.green(`checklist of "${result.phase}" complete`)
        : io.style.yellow(`checklist of "${result.phase}" incomplete: run \`rollout checklist\` again to resume`),
    );
  }
  return result.complete ? 0 : 3;
}

/** The checklist of the rollout's current phase, with the command's answers file and --yes. */
export function runChecklist(ctx: CommandContext): Promise<ChecklistOutcome> {
  const { io, loaded, services } = ctx;
  const file = io.opts.answers;
  return runChecklistFlow(loaded.plan, services, {
    answers: file ? readAnswers(file) : undefined,
    answersFile: file,
    yes: Boolean(io.opts.yes),
  });
}
