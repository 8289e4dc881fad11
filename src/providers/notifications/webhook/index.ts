// TEMPORARY placeholder until the adapter lands; the registry needs the module to exist.
import { ProviderError } from '../../../errors.js';
import type { AdapterContext, Notifier } from '../../types.js';
import type { WebhookSettings } from './settings.js';

export async function createWebhookNotifier(_settings: WebhookSettings, ctx: AdapterContext): Promise<Notifier> {
  throw new ProviderError(ctx.name, 'this adapter is not implemented yet');
}
