/**
 * One adapter definition per provider folder (`<role>/<type>/definition.ts`): its type, role, settings
 * schema, a description, and a loader for the implementation. The loader is an `import()` with a
 * literal path, so the start-up path (and the bundle, scripts/bundle.mjs) never loads an adapter a
 * plan does not use.
 *
 * defineAdapter ties the three together at compile time: the implementation's `create` must accept the
 * settings the schema produces and return the role's interface, and the schema's `type` must be the
 * definition's type. What it returns is what validation needs (registry.ts); a command creates the
 * adapter through implementations.ts from the settings validation left, with no schema loaded.
 */
import type { z } from 'zod';
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

/** A definition in its role's registry: what validation needs (the adapter is created through implementations.ts). */
export interface RegisteredAdapter<R extends ProviderRole, T extends string = string> extends SettingsDefinition {
  readonly type: T;
  readonly role: R;
}

export function defineAdapter<R extends ProviderRole, T extends string, S extends z.ZodType<{ type: T }>>(
  def: AdapterDefinition<R, T, S>,
): RegisteredAdapter<R, T> {
  return { type: def.type, role: def.role, settings: def.settings, describe: def.describe };
}
