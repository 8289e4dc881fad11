/**
 * `components:` parts of the system switched whole, blue-green (the seed's "Canary Release com
 * Blue-Green para componentes críticos"): at the phase the plan names (`switchAt`), after an optional
 * pre-switch `check`, by a command pair (`run: { switch, switchBack }`). A failed gate switches every
 * switched component back at once; `rollout rollback` switches them back first, one step each.
 */
import { z } from 'zod';
import { parseDuration, parseEstimate } from './duration.js';

const text = z.string().min(1, 'must not be empty');
const command = z.string().trim().min(1, 'must be a shell command');
const duration = z.string().refine((s) => parseDuration(s) !== undefined, 'must be a duration such as 30s or 5m');
const estimate = z
  .string()
  .refine((s) => parseEstimate(s) !== undefined, 'must be a duration such as 5m, or a range such as 15m-30m');

/** The same rules as the plan's `flag.key` (schema.ts): a key is a path segment in the providers' APIs. */
const flagKey = text
  .refine((k) => k !== '.' && k !== '..', 'a flag key cannot be "." or ".."')
  .refine(
    (k) => !/[/\\?#%\s\u0000-\u001f\u007f]/.test(k),
    'a flag key cannot hold "/", "\\", "?", "#", "%", spaces or control characters',
  );

export const componentSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a slug: lower-case letters, digits and dashes'),
    description: z.string().optional(),
    /** a component is switched whole (the only strategy for a component, and the default) */
    strategy: z.literal('blue-green').default('blue-green'),
    /** the phase whose entry switches the component to green (before the traffic moves) */
    switchAt: text,
    /** the command pair: `switch` makes green live, `switchBack` makes blue live again; both must be idempotent */
    run: z.strictObject({ switch: command, switchBack: command, timeout: duration.optional() }).optional(),
    /** or the component's own boolean flag, switched whole (on = green, off = blue) through the plan's flag provider */
    flag: z.strictObject({ key: flagKey }).optional(),
    /** run before the switch; a non-zero exit holds the advance and switches nothing */
    check: command.optional(),
    /** how long a switch-back is expected to take, for the rollback's timing */
    estimate: estimate.optional(),
  })
  .refine((c) => (c.run === undefined) !== (c.flag === undefined), {
    message: 'a component is switched by exactly one of `run: { switch, switchBack }` or `flag: { key }`',
  });

export const componentsSchema = z.array(componentSchema).default([]);
export type Component = z.output<typeof componentSchema>;
/** The keys of a component, for did-you-mean on misspelt keys. */
export const COMPONENT_KEYS = ['switchAt', 'switch', 'switchBack', 'check', 'components'];
