/**
 * The current phase's checklist: each item confirmed, or skipped with a reason; `run:` items
 * executed with a spinner and their output kept. Answers are saved after each item, so Ctrl-C loses
 * nothing and a re-run resumes where it stopped.
 */
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { RolloutError } from '../../errors.js';
import { journal, withEffect } from '../../engine/journal.js';
import { formatSeconds } from '../../engine/rollback.js';
import { assertActive, loadState, withLock } from '../../engine/run.js';
import { currentRecord, recordAnswer } from '../../engine/state-ops.js';
import { parseDuration } from '../../plan/duration.js';
import { checklistId, legacyChecklistId } from '../../plan/checklist-id.js';
import { readTextFile } from '../../providers/file-text.js';
import type { ChecklistAnswer, RolloutState } from '../../state/types.js';
import type { GlobalOptions } from '../io.js';
import { nonInteractiveError } from '../prompt.js';
import { renderTable } from '../render.js';
import { prepare, type CommandContext } from './common.js';

type Answer = { status: 'done' } | { status: 'skipped'; reason: string };

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

export async function runChecklist(ctx: CommandContext): Promise<{
  phase: string;
  complete: boolean;
  items: (
    | ChecklistAnswer
    | {
        id: string;
        text: string;
        status: 'open';
        by?: undefined;
        reason?: undefined;
        exitCode?: undefined;
        detail?: undefined;
      }
  )[];
}> {
  const { io, loaded, services } = ctx;
  const { plan } = loaded;
  const answers = io.opts.answers ? readAnswers(io.opts.answers) : undefined;
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
    if (items.length === 0) io.log.info(`phase "${phase.name}" has no checklist`);
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
      } else if (item.run && (given || io.opts.yes || services.prompt.interactive)) {
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
          () => services.runner.run({ command, cwd: loaded.baseDir, timeoutMs }),
          (res) => ({ exitCode: res.exitCode, timedOut: res.timedOut, durationMs: res.durationMs }),
          async (res) => {
            const ok = res.exitCode === 0 && !res.timedOut;
            const detail = res.timedOut ? `timed out after ${formatSeconds(timeoutMs)}` : `exit ${res.exitCode}`;
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
      } else if (given?.status === 'done' || (io.opts.yes && !answers)) {
        answer = { id: item.id, text: item.text, status: 'done', by: services.actor, at: now() };
      } else if (answers) {
        throw new RolloutError(
          'usage',
          `the answers file ${io.opts.answers} has no answer for "${item.text}" (id ${item.id})`,
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

async function askReason(ctx: CommandContext): Promise<string> {
  for (;;) {
    const r = (await ctx.services.prompt.text({ message: 'Why is it skipped?' })).trim();
    if (r) return r;
  }
}

async function save(ctx: CommandContext, state: RolloutState, answer: ChecklistAnswer): Promise<RolloutState> {
  const next = recordAnswer(state, answer, new Date(ctx.services.clock.now()).toISOString());
  await ctx.services.store.save(next);
  await journal(
    ctx.services,
    'checklist.answered',
    {
      id: answer.id,
      text: answer.text,
      status: answer.status,
      by: answer.by,
      reason: answer.reason,
      command: answer.command,
      exitCode: answer.exitCode,
      detail: answer.detail,
    },
    state.phase,
  );
  return next;
}

const ANSWERS_HINT =
  'an answers file is YAML or JSON mapping checklist ids (or texts) to answers, e.g. load-tests-completed: done';

/**
 * Answers file: `{ ID-or-text: done | true | "skip: reason" | { skip: reason } }`. The path may name any
 * file (`--answers /etc/shadow`): a file that is not an answers file is reported by where it goes wrong,
 * never by what it holds.
 */
function readAnswers(file: string): Map<string, Answer> {
  let text: string;
  try {
    text = readTextFile(file, 1024 * 1024);
  } catch (e) {
    throw new RolloutError('usage', `cannot read the answers file ${file}: it ${(e as Error).message}`, {
      hint: ANSWERS_HINT,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, logLevel: 'error' });
  const at = (offset: number | undefined): string => {
    const p = lines.linePos(offset ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    throw new RolloutError('usage', `${at(doc.errors[0]!.pos[0])} the answers file is not valid YAML or JSON`, {
      hint: ANSWERS_HINT,
    });
  }
  if (!isMap(doc.contents))
    throw new RolloutError('usage', `${at(0)} the answers file must map checklist ids (or texts) to answers`, {
      hint: ANSWERS_HINT,
    });
  const out = new Map<string, Answer>();
  for (const pair of doc.contents.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const v: unknown = isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: 50 }) : pair.value;
    const where = at(isNode(pair.key) ? pair.key.range?.[0] : undefined);
    if (k === undefined)
      throw new RolloutError('usage', `${where} each key of the answers file must be a checklist id or text`, {
        hint: ANSWERS_HINT,
      });
    if (v === true || v === 'done' || v === 'yes') out.set(k, { status: 'done' });
    else if (typeof v === 'string' && /^skip(ped)?:/i.test(v) && v.split(':').slice(1).join(':').trim())
      out.set(k, { status: 'skipped', reason: v.split(':').slice(1).join(':').trim() });
    else if (v && typeof v === 'object' && typeof (v as { skip?: unknown }).skip === 'string')
      out.set(k, { status: 'skipped', reason: (v as { skip: string }).skip });
    else
      throw new RolloutError('usage', `${where} an answer must be done, or skip with a reason ("skip: REASON")`, {
        hint: ANSWERS_HINT,
      });
  }
  return out;
}

function answerFor(
  answers: Map<string, Answer>,
  item: { id: string; legacyId?: string | undefined; text: string },
): Answer | undefined {
  // an id from before diacritics were folded is still accepted (one release)
  return answers.get(item.id) ?? (item.legacyId ? answers.get(item.legacyId) : undefined) ?? answers.get(item.text);
}
