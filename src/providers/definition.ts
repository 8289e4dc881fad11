/**
 * One adapter definition per provider folder (`<role>/<type>/definition.ts`): its type, role, settings
 * schema, a description, and a loader for the implementation. The loader is an `import()` with a
 * literal path, so the start-up path (and the bundle, scripts/bundle.mjs) never loads an adapter a
 * plan does not use.
 *
 * defineAdapter ties the three together at compile time: the implementation's `create` must accept the
 * settings the schema produces and return the role's interface, and the schema's `type` must be the
 * definition's type. What it returns fits its role's registry (registry.ts) with its settings type
 * erased behind a parse, so the registry needs no cast and no `never`.
 */
import type { z } from 'zod';
import { ProviderError } from '../errors.js';
import type { ProviderRole, SettingsDefinition } from '../plan/provider-registry.js';
import type { AdapterContext, FlagProvider, IncidentProvider, MetricsProvider, Notifier } from './types.js';

export type { ProviderRole } from '../plan/provider-registry.js';

/** The interface each role's adapters implement. */
export interface RoleInterfaces {
  flags: FlagProvider;
  metrics: MetricsProvider;
  incidents: IncidentProvider;
  notifications: Notifier;
}

/** What an adapter folder's index.ts exports. */
export interface AdapterModule<R extends ProviderRole, Settings> {
  // a property, not a method: its parameter is checked contravariantly (a method's would be bivariant)
  readonly create: (settings: Settings, ctx: AdapterContext) => Promise<RoleInterfaces[R]>;
}

/** A definition as written in its folder. */
export interface AdapterDefinition<R extends ProviderRole, T extends string, S extends z.ZodType<{ type: T }>> {
  readonly type: T;
  readonly role: R;
  readonly settings: S;
  readonly describe: string;
  readonly load: () => Promise<AdapterModule<R, z.output<S>>>;
}

/** A definition in its role's registry: what validation needs, and a way to create the adapter. */
export interface RegisteredAdapter<R extends ProviderRole, T extends string = string> extends SettingsDefinition {
  readonly type: T;
  readonly role: R;
  /**
   * Creates the adapter from its validated settings (as validation left them, possibly from the
   * validation cache): they are parsed again by the adapter's own schema, so the implementation gets
   * exactly the type it declares. Loads the implementation on first use.
   */
  create(settings: unknown, ctx: AdapterContext): Promise<RoleInterfaces[R]>;
}

export function defineAdapter<R extends ProviderRole, T extends string, S extends z.ZodType<{ type: T }>>(
  def: AdapterDefinition<R, T, S>,
): RegisteredAdapter<R, T> {
  return {
    type: def.type,
    role: def.role,
    settings: def.settings,
    describe: def.describe,
    async create(settings, ctx) {
      // one parse per adapter and run: zod's compiled fast path would cost more to build than it saves
      const parsed = def.settings.safeParse(settings, { jitless: true });
      if (!parsed.success) {
        // only the paths: a setting's value may be a secret
        const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
        throw new ProviderError(
          ctx.name,
          `the ${def.role} provider settings do not fit type "${def.type}" (${where})`,
          {
            hint: 'run `rollout validate` on the plan',
          },
        );
      }
      const { create } = await def.load();
      return create(parsed.data, ctx);
    },
  };
}
