/**
 * Shared pieces of the provider tests: the AdapterContext an adapter is created with (its warnings
 * collected in an array), and the check that a call fails with a ProviderError carrying no secret.
 */
import { expect } from '@jest/globals';
import { ProviderError } from '../../src/errors.js';
import type { AdapterContext } from '../../src/providers/types.js';

/**
 * An AdapterContext for a test; `warn` pushes into the returned `warnings` (unless overridden).
 * Defaults: name "test", baseDir "/", plan "checkout", the real clock, no environment variables.
 */
export function adapterContext(overrides: Partial<AdapterContext> = {}): { ctx: AdapterContext; warnings: string[] } {
  const warnings: string[] = [];
  const ctx: AdapterContext = {
    name: 'test',
    baseDir: '/',
    plan: 'checkout',
    warn: (m) => warnings.push(m),
    now: () => Date.now(),
    envOf: () => undefined,
    ...overrides,
  };
  return { ctx, warnings };
}

/** Every place an error could carry text out to the user or a log. */
export function errorTexts(err: ProviderError): string[] {
  return [err.message, err.hint ?? '', err.stack ?? '', JSON.stringify(err), String(err.cause ?? '')];
}

/**
 * Awaits `promise`, expects it to reject with a ProviderError, and expects none of `secrets` in the
 * error's message, hint, stack, JSON or cause. Returns the error for further assertions.
 */
export async function expectProviderError(
  promise: Promise<unknown>,
  opts: { secrets?: readonly string[] } = {},
): Promise<ProviderError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError);
    const err = e as ProviderError;
    for (const text of errorTexts(err)) {
      for (const secret of opts.secrets ?? []) expect(text).not.toContain(secret);
    }
    return err;
  }
  throw new Error('expected a ProviderError, got a value');
}
