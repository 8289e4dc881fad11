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

/** A share the schema accepts (a number in (0, 100]); the rules also run on a plan whose schema failed. */
const usableShare = (share: unknown): number | undefined =>
  typeof share === 'number' && share > 0 && share <= 100 ? share : undefined;

/** The audience's share of all users when the phase says `of: all` and the plan knows it. */
export function allUsersShare(plan: Plan, phase: Phase | undefined): number | undefined {
  if (phase?.of !== 'all' || !phase.audience) return undefined;
  return usableShare(plan.audiences?.[phase.audience]?.share);
}

/** The share of all users a phase's (audience-relative) traffic stands for, when it says `of: all`. */
export function ofAllUsers(plan: Plan, phase: Phase | undefined, traffic: number): number | undefined {
  const share = allUsersShare(plan, phase);
  return share === undefined ? undefined : round2((traffic * share) / 100);
}

/** The share of its audience a phase's flag serves: its traffic, or for `of: all` traffic / the audience's share. */
function audienceTraffic(plan: Plan, phase: Phase): number {
  const share = allUsersShare(plan, phase);
  return share === undefined ? phase.traffic : Math.min(100, round2((phase.traffic / share) * 100));
}

/** The plan with each `of: all` phase's traffic turned into the share of its audience the flag serves. */
export function resolveOfAll(plan: Plan): Plan {
  if (!plan.phases.some((p) => p.of === 'all')) return plan;
  return { ...plan, phases: plan.phases.map((p) => ({ ...p, traffic: audienceTraffic(plan, p) })) };
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
    if (a.share !== undefined && usableShare(a.share) === undefined) return []; // the schema reported it
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

/**
 * With `of: all`, the plan's numbers are shares of all users but the flag serves shares of the audience:
 * "5 of all" from a 40% audience is 12.5% of it, so a later "10% of technical-users" would take exposure
 * away although 10 > 5. The share each audience is served never decreases from one phase to a later one.
 */
export const audienceSharesNeverDecrease: Rule = (plan) => {
  if (!plan.phases.some((p) => p.of === 'all')) return [];
  const served = new Map<string, { phase: Phase; traffic: number }>();
  return plan.phases.flatMap((p, i): RuleProblem[] => {
    const share = allUsersShare(plan, p);
    const traffic = audienceTraffic(plan, p);
    const key = p.audience ?? '';
    const before = served.get(key);
    if (!before || traffic >= before.traffic) {
      served.set(key, { phase: p, traffic });
      return [];
    }
    const who = p.audience ?? 'all users';
    const ofAll = (ph: Phase) => (allUsersShare(plan, ph) === undefined ? '' : ` (${ph.traffic}% of all users)`);
    const least = share === undefined ? '' : `, that is ${round2((before.traffic * share) / 100)}% of all users`;
    return [
      {
        path: ['phases', i, 'traffic'],
        message: `phase "${p.name}" serves ${traffic}% of ${who}${ofAll(p)}, less than the ${before.traffic}% of ${who} that phase "${before.phase.name}" serves${ofAll(before.phase)}`,
        hint: `serve at least ${before.traffic}% of ${who} in "${p.name}"${least}; taking exposure away is a contingency (\`rollout reduce\`)`,
      },
    ];
  });
};
