import { planJsonSchema as buildPlanJsonSchema } from '../../plan/json-schema.js';
import { providerRegistry } from '../../providers/registry.js';
import type { GlobalOptions } from '../io.js';

/** The plan's JSON Schema, generated from the same zod schemas that validate plans and provider settings. */
export function planJsonSchema(): Record<string, unknown> {
  return buildPlanJsonSchema(providerRegistry);
}

export async function schemaCommand(
  _plan: string | undefined,
  _opts: Record<string, unknown>,
  _g: GlobalOptions,
): Promise<number> {
  process.stdout.write(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
  return 0;
}
