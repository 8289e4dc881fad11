/** Helpers of the phase documents: the last gate of a phase in the journal, bounds as text. */
import type { Criterion } from '../gates/types.js';
import { eventOf } from '../state/journal-events.js';
import { type JournalDigest, lastOfPhase } from '../state/journal-digest.js';

export function lastGate(journal: JournalDigest, phase: string): Criterion[] | undefined {
  const d = eventOf(lastOfPhase(journal, phase, 'gate.evaluated'), 'gate.evaluated')?.data;
  return d ? [...(d.criteria ?? []), ...(d.reported ?? [])] : undefined;
}

export function lastGateDecision(journal: JournalDigest, phase: string): string | undefined {
  return eventOf(lastOfPhase(journal, phase, 'gate.evaluated'), 'gate.evaluated')?.data.decision;
}

export function bound(b: { below?: number | undefined; above?: number | undefined }, unit?: string): string {
  const u = unit ? ` ${unit}` : '';
  return [b.above !== undefined ? `> ${b.above}${u}` : '', b.below !== undefined ? `< ${b.below}${u}` : '']
    .filter(Boolean)
    .join(' and ');
}
