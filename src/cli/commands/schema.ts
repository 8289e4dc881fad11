import { planJsonSchema as buildPlanJsonSchema } from '../../plan/json-schema.js';
import { providerRegistry } from '../../providers/registry.js';
import type { GlobalOptions } from '../io.js';
import { writeStd } from '../std-write.js';

/** The plan's JSON Schema, generated from the same zod schemas that validate plans and provider settings. */
export function planJsonSchema(): Record<string, unknown> {
  return buildPlanJsonSchema(providerRegistry);
}

export async function schemaCommand(
  _plan: string | undefined,
  _opts: Record<string, unknown>,
  _g: GlobalOptions,
): Promise<number> {
  writeStd(1, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
  return 0;
}
