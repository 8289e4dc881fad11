/**
 * Builds the engine's services (engine/services.ts) from a loaded plan: the state store, the
 * providers (created lazily, from the implementations alone: providers/implementations.ts), the prompt, the runner, the report sink, the
 * redactor and the id generator. `--dry-run` swaps the write-capable ones for the recorders of
 * dry-run.ts, the one place that makes a dry run harmless.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import type { ProviderSet, PromptService, Services } from '../engine/services.js';
import { RolloutError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import type { ProviderRole, RoleInterfaces } from '../providers/definition.js';
import { findImplementation } from '../providers/implementations.js';
import type { AdapterContext, KeyedCache } from '../providers/types.js';
import { type CacheDir, openCache, readBytesEntry, readEntry, writeBytesEntry, writeEntry } from './plan-cache.js';
import { processRedactor } from '../redact.js';
import { createFileStore } from '../state/file-store.js';
import { withCrashPoints } from '../state/crash-store.js';
import { createPgStore } from '../state/pg-store.js';
import { prepareWrite } from '../state/safe-path.js';
import { createClock } from './clock.js';
import {
  newRecording,
  recordingFlags,
  recordingNotifier,
  recordingReports,
  recordingRunner,
  recordingStore,
  type Recorded,
  type Recording,
} from './dry-run.js';
import type { Io } from './io.js';
import type { LoadedPlan } from './load-plan.js';
import { choosePrompt } from './prompt.js';
import { createRunner } from './runner.js';

export type { Recorded, Recording } from './dry-run.js';

export function actorName(by: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (by) return by;
  if (env['ROLLOUT_USER']) return env['ROLLOUT_USER'];
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function buildServices(args: {
  loaded: LoadedPlan;
  io: Io;
  command: string;
  dryRun?: boolean;
  prompt?: PromptService;
}): { services: Services; recorded: Recorded[]; recording: Recording } {
  const { loaded, io } = args;
  const { plan } = loaded;
  const clock = createClock();
  const dryRun = Boolean(args.dryRun);
  const recorded = newRecording();
  const stateDir = path.resolve(loaded.baseDir, plan.state.dir);
  const reportsDir = path.resolve(loaded.baseDir, plan.reports.dir);

  const created: { [R in ProviderRole]: Map<string, Promise<RoleInterfaces[R]>> } = {
    flags: new Map(),
    metrics: new Map(),
    incidents: new Map(),
    notifications: new Map(),
  };
  const userCache = lazyUserCache();
  const create = <R extends ProviderRole>(role: R, name: string): Promise<RoleInterfaces[R]> => {
    const cache = created[role];
    let adapter = cache.get(name);
    if (!adapter) {
      const type = plan.providers[role][name]?.type ?? '';
      const settings = loaded.providerSettings[role][name];
      const ctx: AdapterContext = {
        name,
        baseDir: loaded.baseDir,
        plan: plan.name,
        warn: (m) => io.log.warn(`${name}: ${m}`),
        now: () => clock.now(),
        envOf: (setting) => loaded.sources.get(`providers.${role}.${name}.${setting}`),
        cache: userCache,
      };
      adapter = (async () => {
        const load = findImplementation(role, type);
        // validation checked every provider's type: this is a plan that bypassed it
        if (!load) throw new RolloutError('internal', `no ${role} adapter of type "${type}" for provider ${name}`);
        // the settings as validation left them (the plan is a validated one: loadPlan), so no schema,
        // and no zod, is loaded to create a provider
        const { create } = await load();
        return create(settings as never, ctx);
      })();
      cache.set(name, adapter);
    }
    return adapter;
  };

  const flagName = plan.flag.provider ?? Object.keys(plan.providers.flags)[0]!;
  const providers: ProviderSet = {
    flagName,
    flags: async () => {
      const real = await create('flags', flagName);
      return dryRun ? recordingFlags(real, recorded) : real;
    },
    metrics: (name) => create('metrics', name),
    incidents: async () =>
      Promise.all(
        Object.keys(plan.providers.incidents).map(async (name) => ({
          name,
          provider: await create('incidents', name),
        })),
      ),
    notifier: async (name) => (dryRun ? recordingNotifier(name, recorded) : create('notifications', name)),
  };

  // writes stay in the plan's folder, or in the configured folder when the plan opts out (validation checked it)
  const stateRoot = plan.state.allowOutsidePlanDir ? stateDir : loaded.baseDir;
  const reportsRoot = plan.reports.allowOutsidePlanDir ? reportsDir : loaded.baseDir;
  let store =
    plan.state.backend === 'postgres'
      ? createPgStore({
          url: plan.state.url!,
          plan: plan.name,
          now: () => new Date(clock.now()),
          lockWaitMs: lockWait(),
        })
      : createFileStore({
          dir: stateDir,
          root: stateRoot,
          plan: plan.name,
          now: () => new Date(clock.now()),
          lockWaitMs: lockWait(),
          warn: (m) => io.log.warn(m),
        });
  if (process.env['ROLLOUT_TEST_CRASH_AT'] || process.env['ROLLOUT_TEST_CRASH_TRACE']) store = withCrashPoints(store);
  const runner = createRunner();
  const services: Services = {
    clock,
    log: io.log,
    prompt: args.prompt ?? choosePrompt({ command: args.command, yes: io.opts.yes, tty: io.stdinTTY && io.stdoutTTY }),
    runner: dryRun ? recordingRunner(recorded) : runner,
    store: dryRun ? recordingStore(store, recorded) : store,
    providers,
    reports: dryRun
      ? recordingReports(reportsDir, recorded)
      : {
          async write(rel, content) {
            const file = path.join(reportsDir, rel);
            // a run that lost its lock writes nothing more
            await store.verifyLock();
            prepareWrite(file, reportsRoot);
            const { default: writeFileAtomic } = await import('write-file-atomic');
            await writeFileAtomic(file, content);
            return file;
          },
        },
    redactor: processRedactor,
    ids: { next: () => globalThis.crypto.randomUUID() },
    actor: actorName(io.opts.by),
    baseDir: loaded.baseDir,
    clockJump: Boolean(io.opts.clockJump),
  };
  return { services, recorded: recorded.actions, recording: recorded };
}

/** ROLLOUT_LOCK_WAIT (a duration such as 30s): how long a run waits for another run's lock; 8s by default. */
function lockWait(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['ROLLOUT_LOCK_WAIT'];
  if (raw === undefined || raw === '') return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined || ms > 3_600_000)
    throw new RolloutError('usage', `ROLLOUT_LOCK_WAIT="${raw}" is not a duration up to 1h`, {
      hint: 'e.g. ROLLOUT_LOCK_WAIT=30s',
    });
  return ms;
}

/** The user's cache folder (plan-cache.ts: 0700, HMAC-signed entries), opened on first use; a refused one is not used. */
function lazyUserCache(): KeyedCache {
  let opened: CacheDir | undefined | null = null;
  const dir = (): CacheDir | undefined => {
    if (opened === null) {
      const c = openCache();
      opened = c && 'dir' in c ? c : undefined;
    }
    return opened;
  };
  /** `f` on the open folder; nothing (a miss, or no write) without one */
  const inDir =
    <A extends unknown[], T>(f: (c: CacheDir, ...args: A) => T) =>
    (...args: A): T | undefined => {
      const c = dir();
      return c && f(c, ...args);
    };
  return {
    read: inDir(readEntry),
    write: inDir(writeEntry),
    readBytes: inDir(readBytesEntry),
    writeBytes: inDir(writeBytesEntry),
  };
}
