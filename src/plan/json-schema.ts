/**
 * The plan's JSON Schema (`rollout schema`, schema/plan.schema.json), generated from the zod schema
 * that validates plans. Each `providers.<role>.<name>` is the union of the registry's settings for
 * that role, keyed on `type`, each branch titled and described, so an editor completes provider
 * settings too. Pure: the registry is an argument.
 */
import { z } from 'zod';
import { PROVIDER_ROLES, type ProviderRole, type SettingsRegistry } from './provider-registry.js';
import { planSchema, providerSpec } from './schema.js';

const ROLE_TEXT: Record<ProviderRole, string> = {
  flags: 'feature-flag providers, by name: the flag is changed through one of them (flag.provider)',
  metrics: 'metrics providers, by name: a metric names one (metrics[].provider)',
  incidents: 'incident providers, by name: every one is asked for open incidents',
  notifications: 'notifiers, by name: stakeholders name them (stakeholders[].notify)',
};

function providersOf(registry: SettingsRegistry, role: ProviderRole) {
  const branches = Object.values(registry[role]).map((d) =>
    d.settings.meta({ title: `${d.type} (${role})`, description: d.describe }),
  );
  const [first, ...rest] = branches;
  // a role without adapters still accepts what validation would then reject with the known types
  const settings = first ? z.union([first, ...rest]) : providerSpec;
  return z.record(z.string(), settings).default({}).meta({ description: ROLE_TEXT[role] });
}

export function planJsonSchema(registry: SettingsRegistry): Record<string, unknown> {
  const providers = Object.fromEntries(PROVIDER_ROLES.map((role) => [role, providersOf(registry, role)]));
  const schema = z.toJSONSchema(planSchema.extend({ providers: z.strictObject(providers) }), {
    io: 'input',
    unrepresentable: 'any',
  });
  return {
    ...schema,
    $id: 'https://rollout.dev/schema/plan-v1.json',
    title: 'rollout plan',
    description: 'A progressive-delivery plan for the rollout CLI (contract §1).',
  };
}
