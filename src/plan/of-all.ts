/**
 * `of: all` on a phase: "traffic: 5, audience: technical-users, of: all" is 5% of ALL users, chosen
 * among technical users. The flag serves a share of its audience, so a validated plan carries the
 * audience-relative share in `traffic` (5 of all from a 40% audience is 12.5% of technical-users), and
 * everything that moves or compares the flag uses it; what is said to people shows both numbers.
 */
import type { Rule, RuleProblem } from './rules.js';
import type { Plan } from './schema.js';

type Phase = Plan['phases'][number];

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The audience's share of all users when the phase says `of: all` and the plan knows it. */
export function allUsersShare(plan: Plan, phase: Phase | undefined): number | undefined {
  if (phase?.of !== 'all' || !phase.audience) return undefined;
  return plan.audiences[phase.audience]?.share;
}

/** The share of all users a phase's (audience-relative) traffic stands for, when it says `of: all`. */
export function ofAllUsers(plan: Plan, phase: Phase | undefined, traffic: number): number | undefined {
  const share = allUsersShare(plan, phase);
  return share === undefined ? undefined : round2((traffic * share) / 100);
}

/** The plan with each `of: all` phase's traffic turned into the share of its audience the flag serves. */
export function resolveOfAll(plan: Plan): Plan {
  if (!plan.phases.some((p) => p.of === 'all')) return plan;
  const phases = plan.phases.map((p) => {
    const share = allUsersShare(plan, p);
    return share === undefined ? p : { ...p, traffic: Math.min(100, round2((p.traffic / share) * 100)) };
  });
  return { ...plan, phases };
}

export const ofAllIsResolvable: Rule = (plan) =>
  plan.phases.flatMap((p, i): RuleProblem[] => {
    if (p.of !== 'all') return [];
    if (!p.audience)
      return [
        {
          path: ['phases', i, 'of'],
          message: `phase "${p.name}" says \`of: all\` but has no audience to choose the users among`,
          hint: 'add `audience: NAME`, or remove `of: all` (traffic is then a share of all users)',
        },
      ];
    const a = plan.audiences?.[p.audience];
    if (!a) return []; // the unknown audience is reported by its own rule
    if (a.share === undefined)
      return [
        {
          path: ['phases', i, 'of'],
          message: `phase "${p.name}" serves ${p.traffic}% of all users among ${p.audience}, but audience ${p.audience} has no share`,
          hint: `add \`share: N\` to audiences.${p.audience} (the percentage of all users in it, e.g. share: 40)`,
        },
      ];
    if (p.traffic > a.share)
      return [
        {
          path: ['phases', i, 'traffic'],
          message: `phase "${p.name}" cannot serve ${p.traffic}% of all users from ${p.audience}, which is ${a.share}% of all users`,
          hint: `lower traffic to at most ${a.share}, or drop \`of: all\` to serve ${p.traffic}% of ${p.audience}`,
        },
      ];
    return [];
  });
