// TEMPORARY placeholder until the adapter lands; the registry needs the module to exist.
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, IncidentProvider } from '../../types.js';
import type { FileIncidentsSettings } from './settings.js';

export async function createFileIncidents(_settings: FileIncidentsSettings, ctx: AdapterContext): Promise<IncidentProvider> {
  throw new ProviderError(ctx.name, 'this adapter is not implemented yet');
}
