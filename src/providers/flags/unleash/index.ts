// TEMPORARY placeholder until the adapter lands; the registry needs the module to exist.
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, FlagProvider } from '../../types.js';
import type { UnleashSettings } from './settings.js';

export async function createUnleashFlags(_settings: UnleashSettings, ctx: AdapterContext): Promise<FlagProvider> {
  throw new ProviderError(ctx.name, 'this adapter is not implemented yet');
}
