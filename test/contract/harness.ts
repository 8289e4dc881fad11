/**
 * Shared pieces of the role contract suites: adapters are created as the CLI creates them: settings a
 * plan would hold, parsed by the registry's schema (as validation leaves them, defaults in place),
 * given to the implementation that implementations.ts loads; and every failure is checked the same way:
 * a ProviderError whose message names the provider, with no secret anywhere in it.
 */
import { expect } from '@jest/globals';
import { ProviderError } from '../../src/errors.js';
import type { ProviderRole, RoleInterfaces } from '../../src/providers/definition.js';
import { findImplementation } from '../../src/providers/implementations.js';
import { findAdapter } from '../../src/providers/registry.js';
import type { AdapterContext } from '../../src/providers/types.js';
import { errorTexts } from '../helpers/providers.js';

/** A port nothing listens on (the first of the reserved ones): connections are refused at once. */
export const CLOSED = 'http://127.0.0.1:1';

export function contextFor(name: string, baseDir = '/'): AdapterContext {
  return {
    name,
    baseDir,
    plan: 'contract',
    // a warning is text the user sees: the suites check it as they check errors
    warn: (m) => warnings.push(m),
    now: () => Date.now(),
    envOf: () => undefined,
  };
}
export const warnings: string[] = [];

/** Creates an adapter of `role` and `type` from plan-shaped settings, as validation and then a command do. */
export async function createAdapter<R extends ProviderRole>(
  role: R,
  settings: { type: string; [k: string]: unknown },
  ctx: AdapterContext,
): Promise<RoleInterfaces[R]> {
  const adapter = findAdapter(role, settings.type);
  const load = findImplementation(role, settings.type);
  if (!adapter || !load) throw new Error(`no ${role} adapter ${settings.type}`);
  const validated = adapter.settings.parse(settings);
  const { create } = await load();
  return create(validated as never, ctx);
}

/**
 * Expects `promise` to reject with a ProviderError whose message names the provider (the plan's name
 * for it or the product, `names`), with none of `secrets` in its message, hint, stack, JSON or cause.
 */
export async function expectNamedFailure(
  promise: Promise<unknown>,
  opts: { names: RegExp; secrets: readonly string[] },
): Promise<ProviderError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProviderError);
  const err = caught as ProviderError;
  expect(err.message).toMatch(opts.names);
  for (const text of [...errorTexts(err), ...warnings])
    for (const secret of opts.secrets) expect(text).not.toContain(secret);
  return err;
}
