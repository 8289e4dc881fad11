/** What most commands start with: the io, the plan and the services. */
import { createIo, type GlobalOptions, type Io } from '../io.js';
import { loadPlan, type LoadedPlan } from '../load-plan.js';
import { seedOwnedFiles } from '../owned-files.js';
import { buildServices, type Recorded, type Recording } from '../build-services.js';
import type { Services } from '../../engine/services.js';
import { RolloutError } from '../../errors.js';

export interface CommandContext {
  io: Io;
  loaded: LoadedPlan;
  services: Services;
  recorded: Recorded[];
  /** a dry run's record of everything it did not do */
  recording: Recording;
}

export async function prepare(
  planFile: string | undefined,
  global: GlobalOptions,
  command: string,
  opts: { dryRun?: boolean; seedOwned?: boolean } = {},
): Promise<CommandContext> {
  const io = await createIo(global);
  if (!planFile) throw new RolloutError('usage', `'${command}' needs the path of a plan`);
  const loaded = await loadPlan(planFile, io);
  const { services, recorded, recording } = buildServices({ loaded, io, command, dryRun: opts.dryRun });
  // only a command that may start the rollout writes the files the tool owns; a read-only one changes nothing
  if (opts.seedOwned && !opts.dryRun) await seedOwnedFiles(loaded, services);
  return { io, loaded, services, recorded, recording };
}

export const clockLabel = (s: Services) => (s.clock.simulated ? 'ROLLOUT_NOW' : 'system');
