// TEMPORARY placeholder until the adapter lands; the registry needs the module to exist.
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, MetricsProvider } from '../../types.js';
import type { CommandMetricsSettings } from './settings.js';

export async function createCommandMetrics(_settings: CommandMetricsSettings, ctx: AdapterContext): Promise<MetricsProvider> {
  throw new ProviderError(ctx.name, 'this adapter is not implemented yet');
}
