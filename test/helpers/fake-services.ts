/**
 * The engine's services as in-memory fakes, for testing the flows without the binary: a state store
 * that keeps the state and the journal in memory (and the order of every save and append), a flag
 * that serves what it was last set to, a runner that answers each command with the exit code asked
 * for, notifiers that keep what they were sent, a report sink that keeps what it wrote.
 */
import type { PromptService, Services } from '../../src/engine/services.js';
import type { FlagProvider, FlagState, NotificationEvent } from '../../src/providers/types.js';
import type { JournalEntry, JournalSummary, RolloutState, StateStore } from '../../src/state/types.js';
import { digestOf } from '../../src/state/journal-digest.js';
import { fixedClock, T0 } from './builders.js';

export interface Fakes {
  services: Services;
  /** every write, in order: `save` or the journal entry's type */
  writes: string[];
  journal: JournalEntry[];
  state(): RolloutState | undefined;
  flag: FlagState;
  sent: { notifier: string; event: NotificationEvent }[];
  reports: string[];
  commands: string[];
  /** advances the clock */
  tick(ms: number): void;
}

export function fakeServices(
  over: { confirm?: boolean; exitCodes?: Record<string, number>; interactive?: boolean; now?: number } = {},
): Fakes {
  let now = over.now ?? T0;
  let saved: RolloutState | undefined;
  const journal: JournalEntry[] = [];
  const writes: string[] = [];
  const sent: Fakes['sent'] = [];
  const reports: string[] = [];
  const commands: string[] = [];
  let ids = 0;
  const fakes = { flag: { enabled: false, traffic: 0 } as FlagState };

  const summary = async (): Promise<JournalSummary> => {
    const open = new Map<string, JournalEntry>();
    for (const e of journal) {
      if (!e.effect) continue;
      if (e.type === 'effect.start') open.set(e.effect, e);
      else open.delete(e.effect);
    }
    const last = journal.at(-1);
    return {
      lastSeq: journal.length,
      last: last && { at: last.at, clock: last.clock, type: last.type },
      open: [...open.values()],
      file: 'memory',
    };
  };
  const store: StateStore = {
    load: async () => saved && structuredClone(saved),
    save: async (s) => {
      writes.push('save');
      saved = { ...structuredClone(s), journalSeq: journal.length };
    },
    append: async (e) => {
      const entry = { seq: journal.length + 1, ...structuredClone(e) };
      journal.push(entry);
      writes.push(entry.type);
      return entry;
    },
    journal: async (keep) => journal.filter((e) => !keep || keep(e)),
    async *entries() {
      yield* journal;
    },
    summary,
    digest: async () => digestOf(journal),
    repairTornTail: async () => undefined,
    lock: async () => ({ release: async () => undefined }),
    activeHolder: async () => undefined,
    verifyLock: async () => undefined,
    describe: () => 'memory',
  };
  const flags: FlagProvider = {
    read: async () => ({ ...fakes.flag }),
    setTraffic: async (a) => {
      fakes.flag = { enabled: a.traffic > 0, traffic: a.traffic, audience: a.audience?.name };
      return { ...fakes.flag };
    },
    disable: async () => {
      fakes.flag = { enabled: false, traffic: 0 };
      return { ...fakes.flag };
    },
  };
  const prompt: PromptService = {
    interactive: over.interactive ?? false,
    confirm: async () => over.confirm ?? true,
    text: async () => 'because',
    choose: async ({ choices }) => choices[0]!.value,
  };
  const clock = { ...fixedClock(now), now: () => now };
  const services: Services = {
    clock,
    log: {
      info: () => undefined,
      warn: () => undefined,
      progress: () => ({ succeed: () => undefined, fail: () => undefined }),
    },
    prompt,
    runner: {
      run: async ({ command }) => {
        commands.push(command);
        return { exitCode: over.exitCodes?.[command] ?? 0, output: 'ok', durationMs: 5, timedOut: false };
      },
    },
    store,
    providers: {
      flagName: 'local',
      flags: async () => flags,
      metrics: async () => {
        throw new Error('no metrics in these tests');
      },
      incidents: async () => [],
      notifier: async (notifier) => ({
        send: async (event) => {
          sent.push({ notifier, event });
        },
      }),
    },
    reports: {
      write: async (rel) => {
        writes.push(`report ${rel}`);
        reports.push(rel);
        return rel;
      },
    },
    redactor: { text: (t) => t.replaceAll('hunter2', '***'), value: (v) => v },
    ids: { next: () => `effect-${++ids}` },
    actor: 'tester',
    baseDir: '/nowhere',
  };
  return {
    services,
    writes,
    journal,
    state: () => saved,
    get flag() {
      return fakes.flag;
    },
    set flag(f: FlagState) {
      fakes.flag = f;
    },
    sent,
    reports,
    commands,
    tick: (ms) => {
      now += ms;
    },
  };
}
