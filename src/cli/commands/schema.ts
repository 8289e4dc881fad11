import { z } from 'zod';
import { planSchema } from '../../plan/schema.js';
import type { GlobalOptions } from '../io.js';

/** The plan's JSON Schema, generated from the same zod schema that validates plans. */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://rollout.dev/schema/plan-v1.json',
    title: 'rollout plan',
    description: 'A progressive-delivery plan for the rollout CLI (contract §1).',
  };
}

export async function schemaCommand(
  _plan: string | undefined,
  _opts: Record<string, unknown>,
  _g: GlobalOptions,
): Promise<number> {
  process.stdout.write(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
  return 0;
}
