/**
 * What a state file must hold to be acted on: the shape, then what only the plan can say (the phase
 * index is one of its phases, and the phase name is that phase's). A state that fails is corrupt:
 * every command refuses it, naming the file and each problem; it is never reset silently.
 *
 * The shape is checked by hand here, with the same rules as the zod schema in state-schema.ts, which
 * stays the reference: a property test holds the two to the same verdict on valid states and on
 * random damage to them. Every command reads the state, and this keeps zod (its loading and its
 * schema building, a fifth of `rollout status`'s start-up) off that path; zod is loaded only when the
 * check fails, to say what is wrong, or to overrule the hand check if it ever refused a state zod takes.
 */
import { RolloutError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import { isIsoTime, isObject } from './journal-file.js';
import type { RolloutState } from './types.js';

type Check = (v: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const nonNegative: Check = (v) => num(v) && (v as number) >= 0;
const int =
  (min?: number): Check =>
  (v) =>
    Number.isSafeInteger(v) && (min === undefined || (v as number) >= min);
const oneOf =
  (...values: readonly unknown[]): Check =>
  (v) =>
    values.includes(v);
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const nullish =
  (c: Check): Check =>
  (v) =>
    v === undefined || v === null || c(v);
const time: Check = isIsoTime;
const text = nullish(str);
const list =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(c);
const record =
  (c: Check): Check =>
  (v) =>
    isObject(v) && Object.values(v).every(c);
/** An object with these fields (others allowed: later versions may add some), like z.looseObject. */
const fields =
  (shape: Record<string, Check>): Check =>
  (v) => {
    if (!isObject(v)) return false;
    for (const key in shape) if (!shape[key]!(v[key])) return false;
    return true;
  };

const answer = fields({
  id: str,
  text: str,
  status: oneOf('done', 'skipped', 'failed'),
  by: str,
  at: time,
  reason: text,
  command: text,
  exitCode: nullish(int()),
  detail: text,
  output: text,
  durationMs: nullish(nonNegative),
});

const approval = fields({ by: nonEmpty, at: time, note: text });

const phaseRecord = fields({
  name: nonEmpty,
  enteredAt: time,
  leftAt: optional(time),
  visits: int(1),
  checklist: record(answer),
  approvals: list(approval),
  voidedApprovals: optional(list(approval)),
});

const rollbackStep = fields({
  index: int(0),
  component: str,
  kind: oneOf('flag', 'run', 'manual'),
  status: oneOf('done', 'failed', 'pending', 'skipped'),
  at: time,
  detail: str,
  durationMs: nonNegative,
});

/** Whether `raw` has the shape of a rollout state (state-schema.ts's stateSchema, to the letter). */
export const looksLikeState: Check = fields({
  version: oneOf(1),
  plan: nonEmpty,
  status: oneOf('not-started', 'in-progress', 'paused', 'rolling-back', 'rolled-back', 'completed'),
  phaseIndex: int(0),
  phase: nonEmpty,
  traffic: (v) => num(v) && (v as number) >= 0 && (v as number) <= 100,
  phases: record(phaseRecord),
  startedAt: time,
  updatedAt: time,
  pausedAt: optional(time),
  pauseReason: text,
  rolledBackAt: optional(time),
  completedAt: optional(time),
  rollback: optional(
    fields({ startedAt: time, reason: str, phase: str, steps: list(rollbackStep), finishedAt: optional(time) }),
  ),
  componentRollbacks: optional(
    list(fields({ component: str, reason: str, startedAt: time, steps: list(rollbackStep) })),
  ),
  components: optional(record(fields({ side: oneOf('green', 'blue'), durationMs: optional(nonNegative) }))),
  lastHeldKey: text,
  notes: optional(list(fields({ at: time, by: str, kind: oneOf('issue', 'feedback'), phase: str, text: str }))),
  digests: optional(
    record(
      fields({
        audience: str,
        key: str,
        notifier: str,
        status: oneOf('sending', 'sent'),
        at: time,
        upToSeq: optional(int(0)),
      }),
    ),
  ),
  simulatedClock: optional((v) => typeof v === 'boolean'),
  lastEffect: text,
  journalSeq: optional(int(0)),
});

/** The state, checked against its schema and the plan; throws RolloutError('corrupt') listing every problem. */
export async function validateState(raw: unknown, plan: Plan, file: string): Promise<RolloutState> {
  const fail = (problems: string[]) =>
    new RolloutError(
      'corrupt',
      `the state file ${file} is damaged (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was done`,
      {
        details: problems,
        hint: 'restore it from a backup, or repair the fields listed by hand (`rollout history PLAN` shows every step that led to it); rollout never starts a rollout over by itself',
      },
    );
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw fail([`it holds ${JSON.stringify(raw)}, not a rollout state`]);
  if (!looksLikeState(raw)) {
    const { schemaProblems } = await import('./state-schema.js');
    const problems = schemaProblems(raw);
    if (problems.length > 0) throw fail(problems);
  }
  const s = raw as RolloutState;
  const problems: string[] = [];
  if (s.plan === plan.name) {
    if (s.phaseIndex >= plan.phases.length)
      problems.push(
        `phaseIndex: ${s.phaseIndex} is past the plan's last phase (it has ${plan.phases.length}, numbered from 0)`,
      );
    else if (plan.phases[s.phaseIndex]!.name !== s.phase)
      problems.push(
        `phase: "${s.phase}" is not phases[${s.phaseIndex}] of the plan ("${plan.phases[s.phaseIndex]!.name}"); was the state edited, or the plan's phases changed during the rollout?`,
      );
    for (const [key, rec] of Object.entries(s.phases)) {
      if (rec.name !== key) problems.push(`phases.${key}.name: "${rec.name}" does not match its key`);
    }
  }
  if (problems.length > 0) throw fail(problems);
  return s;
}
