/**
 * `schedule:` against the rest of the plan (every scheduled phase exists, day numbers have a day 1), and
 * `validate:` only on the last phase.
 */
import type { RuleProblem } from './rules.js';
import type { Plan } from './schema.js';
import { didYouMean } from './suggest.js';

export function scheduleIsConsistent(plan: Plan): RuleProblem[] {
  const s = plan.schedule;
  if (!s) return [];
  const out: RuleProblem[] = [];
  const known = (Array.isArray(plan.phases) ? plan.phases : []).map((p) => p.name);
  for (const name of Object.keys(s.phases ?? {}))
    if (!known.includes(name))
      out.push({
        path: ['schedule', 'phases', name],
        message: `schedule names a phase "${name}" the plan does not have`,
        hint: [didYouMean(name, known), `known: ${known.join(', ')}`].filter(Boolean).join('; '),
        onKey: true,
      });
  const usesDays = [
    ...Object.entries(s.phases ?? {}).map(([k, v]) => ({ path: ['schedule', 'phases', k, 'days'], days: v?.days })),
    ...(s.activities ?? []).map((a, i) => ({ path: ['schedule', 'activities', i, 'days'], days: a?.days })),
  ].find((x) => x.days !== undefined);
  if (usesDays && !s.start)
    out.push({
      path: usesDays.path,
      message: 'a schedule given in days needs `schedule.start` (the date of day 1)',
      hint: 'add `start: 2026-06-15` under schedule, or give `from:`/`to:` dates',
    });
  return out;
}

/** `validate:` is the full rollout's validation soak ("rollout completo após validação"): the last phase's. */
export function validateOnLastPhase(plan: Plan): RuleProblem[] {
  const phases = Array.isArray(plan.phases) ? plan.phases : [];
  return phases.flatMap((p, i) =>
    p?.validate !== undefined && i !== phases.length - 1
      ? [
          {
            path: ['phases', i, 'validate'],
            message: `validate: is the full rollout's validation soak; "${p.name}" is not the last phase`,
            hint: `move it to the last phase ("${phases.at(-1)?.name}"), or use minDuration for a soak here`,
            onKey: true,
          },
        ]
      : [],
  );
}
