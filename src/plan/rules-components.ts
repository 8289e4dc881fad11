/**
 * `components:` against the rest of the plan: each switches at a phase the plan has (and not the
 * first: it is entered before any advance), and names are unique.
 */
import type { RuleProblem } from './rules.js';
import type { Plan } from './schema.js';
import { didYouMean } from './suggest.js';

export function componentsAreConsistent(plan: Plan): RuleProblem[] {
  const components = Array.isArray(plan.components) ? plan.components : [];
  const phases = (Array.isArray(plan.phases) ? plan.phases : []).map((p) => p.name);
  const out: RuleProblem[] = [];
  const seen = new Map<string, number>();
  components.forEach((c, i) => {
    const first = seen.get(c.name);
    if (first !== undefined)
      out.push({
        path: ['components', i, 'name'],
        message: `"${c.name}" is already the name of components[${first}]`,
        hint: 'names must be unique',
      });
    else seen.set(c.name, i);
    if (c.flag && c.flag.key === plan.flag?.key)
      out.push({
        path: ['components', i, 'flag', 'key'],
        message: `component "${c.name}" would switch the rollout's own flag "${c.flag.key}"`,
        hint: "give the component a flag of its own; the rollout's flag moves by phase",
      });
    const at = phases.indexOf(c.switchAt);
    if (at < 0)
      out.push({
        path: ['components', i, 'switchAt'],
        message: `component "${c.name}" switches at a phase "${c.switchAt}" the plan does not have`,
        hint: [didYouMean(c.switchAt, phases), `known: ${phases.join(', ')}`].filter(Boolean).join('; '),
      });
    else if (at === 0)
      out.push({
        path: ['components', i, 'switchAt'],
        message: `component "${c.name}" switches at "${c.switchAt}", the first phase, which no advance enters`,
        hint: `name a later phase (${phases.slice(1).join(', ')})`,
      });
  });
  return out;
}
