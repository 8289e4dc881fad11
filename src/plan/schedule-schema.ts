/**
 * `schedule:` the calendar a team plans for its rollout (the seed's two weeks: days 1-2 preparation,
 * 3-4 phase 1, day 5 analysis, ...). Day 1 is `start`; a day range `3-4` runs from the start of day 3
 * to the end of day 4 (UTC). A phase or an activity gives either `days` or explicit `from`/`to` dates.
 */
import { z } from 'zod';

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const dateText = z
  .string()
  .regex(DATE, 'must be a date such as 2026-06-15 or a time such as 2026-06-15T09:00:00Z')
  .refine((s) => Number.isFinite(Date.parse(s)), 'is not a real date');
const DAYS = /^(\d{1,3})(?:\s*-\s*(\d{1,3}))?$/;
const days = z
  .union([z.number().int(), z.string()])
  .transform(String)
  .refine((s) => DAYS.test(s), 'days are a day number such as 5 or a range such as 3-4 (day 1 is `start`)')
  .refine((s) => {
    const m = DAYS.exec(s);
    return !m || (Number(m[1]) >= 1 && Number(m[2] ?? m[1]) >= Number(m[1]) && Number(m[2] ?? m[1]) <= 366);
  }, 'a day range starts at day 1 or later, ends on or after its first day, and within 366 days');

const slotFields = { days: days.optional(), from: dateText.optional(), to: dateText.optional() };
type SlotIn = { days?: string | undefined; from?: string | undefined; to?: string | undefined };
const slotRules = <T extends z.ZodType<SlotIn>>(schema: T) =>
  schema
    .refine((s) => (s.days !== undefined) !== (s.from !== undefined || s.to !== undefined), {
      message: 'give either `days: 3-4` or `from:`/`to:` dates, not both and not neither',
    })
    .refine((s) => s.days !== undefined || (s.from !== undefined && s.to !== undefined), {
      message: '`from` needs a `to` (and `to` a `from`)',
    })
    .refine((s) => !s.from || !s.to || Date.parse(s.from) <= Date.parse(s.to), {
      message: '`to` is before `from`',
      path: ['to'],
    });
const slot = slotRules(z.strictObject(slotFields));
const activity = slotRules(z.strictObject({ name: z.string().min(1, 'must not be empty'), ...slotFields }));

export const scheduleSchema = z.strictObject({
  /** day 1 of the calendar (needed when any slot gives `days`) */
  start: dateText.optional(),
  /** keyed by phase name */
  phases: z.record(z.string(), slot).default({}),
  /** work outside the phases: preparation, analysis, intensive monitoring */
  activities: z.array(activity).default([]),
});

export type ScheduleSlot = z.output<typeof slot>;
export type PlanSchedule = z.output<typeof scheduleSchema>;
