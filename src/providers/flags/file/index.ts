// TEMPORARY placeholder until the adapter lands; the registry needs the module to exist.
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, FlagProvider } from '../../types.js';
import type { FileFlagSettings } from './settings.js';

export async function createFileFlags(_settings: FileFlagSettings, ctx: AdapterContext): Promise<FlagProvider> {
  throw new ProviderError(ctx.name, 'this adapter is not implemented yet');
}
