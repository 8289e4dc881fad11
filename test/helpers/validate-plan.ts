/**
 * validatePlan with the tool's own adapter registry, as the CLI calls it (src/cli/load-plan.ts). The
 * plan layer receives the registry instead of importing it; tests of the registry's own effect pass
 * one of their own to src/plan/validate.ts.
 */
import { validatePlan as validateWith, type ValidationResult } from '../../src/plan/validate.js';
import { providerRegistry } from '../../src/providers/registry.js';

export function validatePlan(text: string, env: Readonly<Record<string, string | undefined>>): ValidationResult {
  return validateWith(text, env, providerRegistry);
}
