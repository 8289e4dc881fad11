/**
 * What the flag provider serves against what the state recorded: a hand edit of the flag (its split,
 * its audience condition) or a run that stopped half-way shows up as a mismatch, with the reasons.
 * Unrecognised targeting is a mismatch too: what it serves cannot be told.
 */
import type { Plan } from '../plan/schema.js';
import type { FlagState } from '../providers/types.js';
import type { RolloutState } from '../state/types.js';

export function compareServed(args: { plan: Plan; state: RolloutState; flag: FlagState }): string[] {
  const { plan, state, flag } = args;
  const problems: string[] = [];
  const detail = flag.detail ?? {};
  // Not started: the flag file need not exist yet, but a run that crashed before its first save may
  // have moved the flag, and that must show.
  const fresh = state.status === 'not-started';
  if (detail['fileMissing'] === true) {
    if (!fresh) problems.push('the flag file does not exist');
    return problems;
  }
  if (Number.isNaN(flag.traffic)) {
    problems.push(`what the flag serves cannot be told (${String(detail['note'] ?? 'unrecognised targeting')})`);
    return problems;
  }
  if (Math.abs(flag.traffic - state.traffic) > 0.001)
    problems.push(`the flag serves ${flag.traffic}% but the state records ${state.traffic}%`);
  if (fresh) return problems;
  // the variant a light contingency served (or none: the plain `on`), where the provider tells it
  if (
    flag.enabled &&
    (flag.variant !== undefined || state.served !== undefined) &&
    flag.variant !== state.served?.variant
  )
    problems.push(
      `the flag serves the variant ${flag.variant ?? 'on'} but the state records ${state.served?.variant ?? 'on'}`,
    );
  // The audience condition, where the flag states it as a rule (the file provider's flagd targeting).
  const rule = detail['audienceRule'] as { attribute: string; in: string[] } | undefined;
  const isFile = plan.providers.flags[plan.flag.provider ?? Object.keys(plan.providers.flags)[0]!]?.type === 'file';
  if (isFile && state.traffic > 0) {
    const name = plan.phases[state.phaseIndex]?.audience;
    const want = name ? plan.audiences[name] : undefined;
    const expected = want && 'attribute' in want ? want : undefined;
    if (expected && !rule)
      problems.push(
        `the flag serves everyone, but the state records the audience ${name} (${expected.attribute} in [${expected.in.join(', ')}])`,
      );
    else if (!expected && rule && !(want && 'segment' in want))
      problems.push(
        `the flag serves only ${rule.attribute} in [${rule.in.join(', ')}], but the state records everyone`,
      );
    else if (expected && rule && !sameRule(expected, rule)) {
      problems.push(
        `the flag serves ${rule.attribute} in [${rule.in.join(', ')}], but the audience ${name} is ${expected.attribute} in [${expected.in.join(', ')}]`,
      );
    }
  }
  return problems;
}

function sameRule(a: { attribute: string; in: string[] }, b: { attribute: string; in: string[] }): boolean {
  const x = [...new Set(a.in)].sort();
  const y = [...new Set(b.in)].sort();
  return a.attribute === b.attribute && x.length === y.length && x.every((v, i) => v === y[i]);
}
