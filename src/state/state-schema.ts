/**
 * What a state file must hold to be acted on: the shape (zod), then what only the plan can say
 * (the phase index is one of its phases, and the phase name is that phase's). Pure. A state that
 * fails is corrupt: every command refuses it, naming the file and each problem; it is never reset
 * silently. Objects are loose, so fields added by later versions pass.
 */
import { z } from 'zod';
import { RolloutError } from '../errors.js';
import type { Plan } from '../plan/schema.js';
import { isoTime } from './journal-file.js';
import type { RolloutState } from './types.js';

const text = z.string().nullish();

const answer = z.looseObject({
  id: z.string(),
  text: z.string(),
  status: z.enum(['done', 'skipped', 'failed']),
  by: z.string(),
  at: isoTime,
  reason: text,
  command: text,
  exitCode: z.number().int().nullish(),
  detail: text,
  output: text,
  durationMs: z.number().nonnegative().nullish(),
});

const approval = z.looseObject({ by: z.string().min(1), at: isoTime, note: text });

const phaseRecord = z.looseObject({
  name: z.string().min(1),
  enteredAt: isoTime,
  leftAt: isoTime.optional(),
  visits: z.number().int().min(1),
  checklist: z.record(z.string(), answer),
  approvals: z.array(approval),
  voidedApprovals: z.array(approval).optional(),
});

const rollbackStep = z.looseObject({
  index: z.number().int().min(0),
  component: z.string(),
  kind: z.enum(['flag', 'run', 'manual']),
  status: z.enum(['done', 'failed', 'pending', 'skipped']),
  at: isoTime,
  detail: z.string(),
  durationMs: z.number().nonnegative(),
});

export const stateSchema = z.looseObject({
  version: z.literal(1),
  plan: z.string().min(1),
  status: z.enum(['not-started', 'in-progress', 'paused', 'rolling-back', 'rolled-back', 'completed']),
  phaseIndex: z.number().int().min(0),
  phase: z.string().min(1),
  traffic: z.number().min(0).max(100),
  phases: z.record(z.string(), phaseRecord),
  startedAt: isoTime,
  updatedAt: isoTime,
  pausedAt: isoTime.optional(),
  pauseReason: text,
  rolledBackAt: isoTime.optional(),
  completedAt: isoTime.optional(),
  rollback: z
    .looseObject({
      startedAt: isoTime,
      reason: z.string(),
      phase: z.string(),
      steps: z.array(rollbackStep),
      finishedAt: isoTime.optional(),
    })
    .optional(),
  componentRollbacks: z
    .array(
      z.looseObject({ component: z.string(), reason: z.string(), startedAt: isoTime, steps: z.array(rollbackStep) }),
    )
    .optional(),
  components: z
    .record(
      z.string(),
      z.looseObject({ side: z.enum(['green', 'blue']), durationMs: z.number().nonnegative().optional() }),
    )
    .optional(),
  lastHeldKey: text,
  notes: z
    .array(
      z.looseObject({
        at: isoTime,
        by: z.string(),
        kind: z.enum(['issue', 'feedback']),
        phase: z.string(),
        text: z.string(),
      }),
    )
    .optional(),
  digests: z
    .record(
      z.string(),
      z.looseObject({
        audience: z.string(),
        key: z.string(),
        notifier: z.string(),
        status: z.enum(['sending', 'sent']),
        at: isoTime,
        upToSeq: z.number().int().min(0).optional(),
      }),
    )
    .optional(),
  simulatedClock: z.boolean().optional(),
  lastEffect: text,
  journalSeq: z.number().int().min(0).optional(),
});

/** The state, checked against its schema and the plan; throws RolloutError('corrupt') listing every problem. */
export function validateState(raw: unknown, plan: Plan, file: string): RolloutState {
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
  const r = stateSchema.safeParse(raw);
  if (!r.success) {
    throw fail(
      r.error.issues.map(
        (i) => `${i.path.length ? formatPath(i.path) : 'the state'}: ${i.message.replace(/^Invalid input: /, '')}`,
      ),
    );
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

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
