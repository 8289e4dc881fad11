/**
 * The shape a state file must have (zod): the reference for state-check.ts's hand-written check,
 * which runs on every read, and what says what is wrong when that check fails. Objects are loose,
 * so fields added by later versions pass.
 */
import { z } from 'zod';
import { ISO_TIME_MESSAGE, isIsoTime } from './journal-file.js';

/** An ISO-8601 time that is also a real date (no month 13, no hour 99). */
const isoTime = z.string().refine(isIsoTime, ISO_TIME_MESSAGE);

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
/** What is wrong with the state's shape, one line per problem; empty when it fits. */
export function schemaProblems(raw: unknown): string[] {
  const r = stateSchema.safeParse(raw);
  if (r.success) return [];
  return r.error.issues.map(
    (i) => `${i.path.length ? formatPath(i.path) : 'the state'}: ${i.message.replace(/^Invalid input: /, '')}`,
  );
}

function formatPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
