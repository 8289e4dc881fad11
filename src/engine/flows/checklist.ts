/**
 * The current phase's checklist: each item confirmed, or skipped with a reason; `run:` items executed
 * (journaled before and after, as effects) and their output kept. Each answer is committed as it is
 * given (state, then `checklist.answered`), so Ctrl-C loses nothing and a re-run resumes where it stopped.
 */
import { RolloutError } from '../../errors.js';
import { formatTimeout, parseDuration } from '../../plan/duration.js';
import { answerOf, checklistId, legacyChecklistId } from '../../plan/checklist-id.js';
import type { Plan } from '../../plan/schema.js';
import type { ChecklistAnswer, RolloutState } from '../../state/types.js';
import { commit } from '../commit.js';
import { withEffect } from '../journal.js';
import type { Services } from '../services.js';
import { loadState, withLock } from '../session.js';
import { assertActive, currentRecord, recordAnswer } from '../state-ops.js';

/** An answer given ahead (an answers file). */
export type GivenAnswer = { status: 'done' } | { status: 'skipped'; reason: string };

export interface ChecklistOptions {
  /** answers given ahead, by checklist id or text */
  answers?: Map<string, GivenAnswer> | undefined;
  /** where they came from, for messages */
  answersFile?: string | undefined;
  /** --yes: every item is done, every command run */
  yes: boolean;
}

export interface OpenItem {
  id: string;
  text: string;
  status: 'open';
  by?: undefined;
  reason?: undefined;
  exitCode?: undefined;
  detail?: undefined;
}

export interface ChecklistOutcome {
  phase: string;
  complete: boolean;
  items: (ChecklistAnswer | OpenItem)[];
}

type Ctx = { plan: Plan; services: Services };

export async function runChecklist(plan: Plan, services: Services, opts: ChecklistOptions): Promise<ChecklistOutcome> {
  const { answers } = opts;
  const ctx = { plan, services };
  return withLock(services, async () => {
    let state: RolloutState = await loadState(plan, services);
    assertActive(state);
    const phase = plan.phases[state.phaseIndex]!;
    const items = phase.checklist.map((it, i) => ({
      id: checklistId(it, i),
      legacyId: legacyChecklistId(it, i),
      text: typeof it === 'string' ? it : it.text,
      run: typeof it === 'string' ? undefined : it.run,
      timeout: typeof it === 'string' ? undefined : it.timeout,
    }));
    if (items.length === 0) services.log.info(`phase "${phase.name}" has no checklist`);
    let stopped = false;
    for (const [n, item] of items.entries()) {
      const label = `[${n + 1}/${items.length}] ${item.text}`;
      const recorded = currentRecord(state).checklist;
      const prior = recorded[item.id] ?? (item.legacyId ? recorded[item.legacyId] : undefined);
      if (prior && prior.status !== 'failed') continue;
      if (stopped) break;
      const now = () => new Date(services.clock.now()).toISOString();
      let answer: ChecklistAnswer;
      const given = answers ? answerFor(answers, item) : undefined;
      if (given?.status === 'skipped') {
        answer = {
          id: item.id,
          text: item.text,
          status: 'skipped',
          reason: given.reason,
          by: services.actor,
          at: now(),
        };
      } else if (item.run && (given || opts.yes || services.prompt.interactive)) {
        if (services.prompt.interactive && !given) {
          const go = await services.prompt.choose({
            message: `${label}\n  runs: ${item.run}`,
            choices: [
              { name: 'Run it', value: 'run' },
              { name: 'Skip (give a reason)', value: 'skip' },
              { name: 'Stop here', value: 'stop' },
            ],
          });
          if (go === 'stop') {
            stopped = true;
            continue;
          }
          if (go === 'skip') {
            answer = {
              id: item.id,
              text: item.text,
              status: 'skipped',
              reason: await askReason(ctx),
              by: services.actor,
              at: now(),
            };
            state = await save(ctx, state, answer);
            continue;
          }
        }
        const progress = services.log.progress(`${item.text}: ${item.run}`);
        const timeoutMs = item.timeout ? parseDuration(item.timeout)! : 10 * 60_000;
        const command = item.run;
        // a command is a side effect: journaled before and after, its answer saved before it is closed
        await withEffect(
          services,
          {
            action: 'checklist.run',
            phase: phase.name,
            data: { id: item.id, component: item.text, command, timeoutMs },
          },
          () => services.runner.run({ command, cwd: services.baseDir, timeoutMs }),
          (res) => ({ exitCode: res.exitCode, timedOut: res.timedOut, durationMs: res.durationMs }),
          async (res) => {
            const ok = res.exitCode === 0 && !res.timedOut;
            const detail = res.timedOut ? `timed out after ${formatTimeout(timeoutMs)}` : `exit ${res.exitCode}`;
            if (ok) progress.succeed(`${item.text} (exit 0, ${(res.durationMs / 1000).toFixed(1)}s)`);
            else progress.fail(`${item.text} (${detail})`);
            state = await save(ctx, state, {
              id: item.id,
              text: item.text,
              status: ok ? 'done' : 'failed',
              by: services.actor,
              at: now(),
              command,
              exitCode: res.exitCode,
              detail,
              output: res.output,
              durationMs: res.durationMs,
            });
          },
        );
        continue;
      } else if (given?.status === 'done' || (opts.yes && !answers)) {
        answer = { id: item.id, text: item.text, status: 'done', by: services.actor, at: now() };
      } else if (answers) {
        throw new RolloutError(
          'usage',
          `the answers file ${opts.answersFile} has no answer for "${item.text}" (id ${item.id})`,
          { hint: `add "${item.id}: done" or "${item.id}: skip: REASON"` },
        );
      } else {
        const choice = await services.prompt.choose({
          message: label,
          choices: [
            { name: 'Done', value: 'done' },
            { name: 'Skip (give a reason)', value: 'skip' },
            { name: 'Stop here', value: 'stop' },
          ],
        });
        if (choice === 'stop') {
          stopped = true;
          continue;
        }
        answer =
          choice === 'done'
            ? { id: item.id, text: item.text, status: 'done', by: services.actor, at: now() }
            : {
                id: item.id,
                text: item.text,
                status: 'skipped',
                reason: await askReason(ctx),
                by: services.actor,
                at: now(),
              };
      }
      state = await save(ctx, state, answer);
    }
    const rec = currentRecord(state).checklist;
    const list = items.map((it) => {
      const a = rec[it.id] ?? (it.legacyId ? rec[it.legacyId] : undefined);
      return a ? { ...a, id: it.id } : { id: it.id, text: it.text, status: 'open' as const };
    });
    return {
      phase: phase.name,
      complete: list.every((i) => i.status === 'done' || i.status === 'skipped'),
      items: list,
    };
  });
}

async function askReason(ctx: Ctx): Promise<string> {
  for (;;) {
    const r = (await ctx.services.prompt.text({ message: 'Why is it skipped?' })).trim();
    if (r) return r;
  }
}

/** Each answer is committed as it is given: Ctrl-C loses nothing and a re-run resumes where it stopped. */
async function save(ctx: Ctx, state: RolloutState, answer: ChecklistAnswer): Promise<RolloutState> {
  const next = recordAnswer(state, answer, new Date(ctx.services.clock.now()).toISOString());
  await commit({
    plan: ctx.plan,
    services: ctx.services,
    state: next,
    event: {
      type: 'checklist.answered',
      phase: state.phase,
      data: {
        id: answer.id,
        text: answer.text,
        status: answer.status,
        by: answer.by,
        reason: answer.reason,
        command: answer.command,
        exitCode: answer.exitCode,
        detail: answer.detail,
      },
    },
  });
  return next;
}

function answerFor(
  answers: Map<string, GivenAnswer>,
  item: { id: string; legacyId?: string | undefined; text: string },
): GivenAnswer | undefined {
  // an id from before diacritics were folded is still accepted (one release)
  return answers.get(item.id) ?? (item.legacyId ? answers.get(item.legacyId) : undefined) ?? answers.get(item.text);
}

/** How far the current phase's checklist is answered, read from the state alone (no gate is judged). */
export async function checklistProgress(
  plan: Plan,
  services: Services,
): Promise<{ phase: string; answered: number; done: number; total: number }> {
  const state = await loadState(plan, services);
  assertActive(state);
  const record = currentRecord(state).checklist;
  const answers = plan.phases[state.phaseIndex]!.checklist.map((it, i) => answerOf(record, it, i));
  return {
    phase: state.phase,
    answered: answers.filter((a) => a).length,
    done: answers.filter((a) => a?.status === 'done' || a?.status === 'skipped').length,
    total: answers.length,
  };
}
