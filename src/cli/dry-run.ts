/**
 * The recorders a dry run acts through: the one place that makes a dry run harmless. Reads pass
 * through to the real services; every write is recorded instead and answered as if it had been done:
 * the flag's writes and the commands (`actions`, what the command lists it would do), the journal
 * (a recording store, whose lock is read-only), the notifications and the reports.
 */
import path from 'node:path';
import type { CommandRunner, ReportSink } from '../engine/services.js';
import type { FlagProvider, FlagState, ServeVariantArgs, NotificationEvent, Notifier } from '../providers/types.js';
import type { JournalEntry, StateStore } from '../state/types.js';

export interface Recorded {
  action: string;
  detail: Record<string, unknown>;
}

export interface Recording {
  /** flag writes and commands, in order: what the command would do */
  actions: Recorded[];
  /** what would have been journaled */
  journal: JournalEntry[];
  /** what would have been notified, by notifier */
  notified: { notifier: string; kind: NotificationEvent['kind'] }[];
  /** the reports that would have been written */
  reports: string[];
}

export const newRecording = (): Recording => ({ actions: [], journal: [], notified: [], reports: [] });

/** Reads pass through; writes are recorded and answered with the state they would produce. */
export function recordingFlags(real: FlagProvider, r: Recording): FlagProvider {
  return {
    read: (a) => real.read(a),
    async setTraffic(a) {
      r.actions.push({
        action: 'flag.set-traffic',
        detail: { flag: a.flag, traffic: a.traffic, audience: a.audience?.name },
      });
      const s: FlagState = { enabled: a.traffic > 0, traffic: a.traffic, audience: a.audience?.name };
      return s;
    },
    ...(real.serveVariant
      ? {
          async serveVariant(a: ServeVariantArgs): Promise<FlagState> {
            r.actions.push({
              action: 'flag.serve-variant',
              detail: { flag: a.flag, traffic: a.traffic, audience: a.audience?.name, variant: a.variant },
            });
            return { enabled: a.traffic > 0, traffic: a.traffic, audience: a.audience?.name, variant: a.variant };
          },
        }
      : {}),
    async disable(a) {
      r.actions.push({ action: 'flag.disable', detail: { flag: a.flag } });
      return { enabled: false, traffic: 0 };
    },
  };
}

export function recordingNotifier(name: string, r: Recording): Notifier {
  return {
    send: async (e) => {
      r.notified.push({ notifier: name, kind: e.kind });
    },
  };
}

export function recordingRunner(r: Recording): CommandRunner {
  return {
    run: async ({ command }) => {
      r.actions.push({ action: 'run', detail: { command } });
      return { exitCode: 0, output: '(dry run: not executed)', durationMs: 0, timedOut: false };
    },
  };
}

/** Reads the real state and journal; saves nothing, journals into the recording, locks nothing. */
export function recordingStore(real: StateStore, r: Recording): StateStore {
  return {
    ...real,
    save: async () => undefined,
    append: async (e) => {
      const entry: JournalEntry = { seq: 0, ...e };
      r.journal.push(entry);
      return entry;
    },
    repairTornTail: async () => undefined,
    lock: async () => ({ release: async () => undefined, readOnly: true }),
    verifyLock: async () => undefined,
  };
}

/** Renders nothing to disk: the report's path is recorded, and the sink says nothing was written. */
export function recordingReports(dir: string, r: Recording): ReportSink {
  return {
    async write(rel) {
      r.reports.push(path.join(dir, rel));
      return undefined;
    },
  };
}

/** What a dry run would have done besides its actions, for --json: journal entries, notifications, reports. */
export function wouldAlso(r: Recording): { journal: string[]; notify: Recording['notified']; reports: string[] } {
  return { journal: r.journal.map((e) => e.type), notify: r.notified, reports: r.reports };
}

/** The dry run's record as lines for a person: the actions, then who would be notified. */
export function recordingLines(r: Recording): string {
  const lines = r.actions.length
    ? [`\nwould do:\n${r.actions.map((a) => `  - ${a.action} ${JSON.stringify(a.detail)}`).join('\n')}`]
    : ['\nwould change nothing'];
  if (r.notified.length) lines.push(`would notify: ${r.notified.map((n) => `${n.notifier} (${n.kind})`).join(', ')}`);
  return lines.join('\n');
}
