/**
 * Maps an alert's severity label onto the plan's severities. An alert whose severity cannot be mapped
 * (label missing or an unknown value) counts as critical: an unrecognised alert must block a rollout
 * rather than be ignored.
 */
import type { Severity } from '../../types.js';

export const DEFAULT_SEVERITY_MAP: Readonly<Record<string, Severity>> = {
  critical: 'critical',
  high: 'high',
  error: 'high',
  page: 'high',
  warning: 'medium',
  medium: 'medium',
  info: 'low',
  low: 'low',
};

/** Builds the lookup once: the plan's entries win over the defaults; matching ignores case. */
export function createSeverityMapper(
  custom: Record<string, Severity> | undefined,
): (value: string | undefined) => { severity: Severity; mapped: boolean } {
  const table = new Map<string, Severity>();
  for (const [k, v] of Object.entries({ ...DEFAULT_SEVERITY_MAP, ...custom })) table.set(k.toLowerCase(), v);
  return (value) => {
    const found = value === undefined ? undefined : table.get(value.trim().toLowerCase());
    return found ? { severity: found, mapped: true } : { severity: 'critical', mapped: false };
  };
}
