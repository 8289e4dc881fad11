/**
 * What a phase serves, said the same way everywhere: "5% of technical-users" when the phase has an
 * audience (the share is of that audience), a bare "100%" only when everyone is eligible.
 */
import { ofAllUsers } from '../plan/of-all.js';
import type { Plan } from '../plan/schema.js';
import { en, type Messages } from './i18n-en.js';

type Words = Pick<Messages, 'ofAudience' | 'ofAll'>;

/** "5% of technical-users"; with the share of all users it stands for (`of: all`), both numbers. */
export function servedWords(say: Words, traffic: number, audience?: string, allUsers?: number): string {
  const own = say.ofAudience(`${traffic}%`, audience);
  return allUsers === undefined ? own : say.ofAll(`${allUsers}%`, own);
}

export const servedText = (traffic: number, audience: string | undefined): string => servedWords(en, traffic, audience);

/**
 * The share a named phase serves, with its audience; a phase with `of: all` shows both numbers:
 * "5% of all users (12.5% of technical-users)". `say` gives the words of a report's language.
 */
export function phaseServed(plan: Plan, phase: string, traffic: number, say: Words = en): string {
  const p = plan.phases.find((x) => x.name === phase);
  return servedWords(say, traffic, p?.audience, ofAllUsers(plan, p, traffic));
}

/**
 * Who loses exposure going back from phase `from` to phase `to` (a reduce): every phase after `to`
 * up to `from`, at its share of its audience, less what `to` still serves (its own and earlier audiences).
 */
export function exposureRemoved(plan: Plan, from: string, to: string): string[] {
  const a = plan.phases.findIndex((p) => p.name === to);
  const b = plan.phases.findIndex((p) => p.name === from);
  if (a < 0 || b <= a) return [];
  const kept = new Map<string, number>();
  for (const p of plan.phases.slice(0, a + 1))
    kept.set(p.audience ?? '', Math.max(kept.get(p.audience ?? '') ?? 0, p.traffic));
  const lost = new Map<string, number>();
  for (const p of plan.phases.slice(a + 1, b + 1)) {
    const k = p.audience ?? '';
    if (p.traffic > (kept.get(k) ?? 0)) lost.set(k, Math.max(lost.get(k) ?? 0, p.traffic));
  }
  return [...lost].map(([k, t]) => {
    const still = kept.get(k) ?? 0;
    const who = k || 'all users';
    return still > 0 ? `${who} from ${t}% to ${still}%` : `${t}% of ${who}`;
  });
}
