/**
 * PagerDuty incidents carry a priority (account-defined names, P1-P5 by default) when the account uses
 * priorities, and always an urgency (high or low). The priority wins when present. An incident whose
 * severity cannot be told (an unknown priority name, no urgency) counts as critical: an unrecognised
 * incident must block a rollout rather than be ignored.
 */
import type { Severity } from '../../types.js';

export const DEFAULT_PRIORITY_MAP: Readonly<Record<string, Severity>> = {
  p1: 'critical',
  p2: 'high',
  p3: 'medium',
  p4: 'low',
  p5: 'low',
};

const URGENCY: Readonly<Record<string, Severity>> = { high: 'high', low: 'low' };

export interface SeverityOf {
  severity: Severity;
  /** false when neither the priority nor the urgency could be mapped (then `critical`) */
  mapped: boolean;
  /** what was looked at, for warnings: `priority "SEV-1"`, `urgency "high"` */
  source: string;
}

export function createSeverityMapper(
  custom: Record<string, Severity> | undefined,
): (incident: { priority?: string | undefined; urgency?: string | undefined }) => SeverityOf {
  const table = new Map<string, Severity>();
  for (const [k, v] of Object.entries({ ...DEFAULT_PRIORITY_MAP, ...custom })) table.set(k.trim().toLowerCase(), v);
  return ({ priority, urgency }) => {
    if (priority !== undefined) {
      const found = table.get(priority.trim().toLowerCase());
      return { severity: found ?? 'critical', mapped: found !== undefined, source: `priority "${priority}"` };
    }
    const found = urgency === undefined ? undefined : URGENCY[urgency.trim().toLowerCase()];
    return {
      severity: found ?? 'critical',
      mapped: found !== undefined,
      source: urgency === undefined ? 'no priority and no urgency' : `urgency "${urgency}"`,
    };
  };
}
