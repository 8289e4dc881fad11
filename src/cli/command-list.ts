/** The commands of the program (wired by main.ts). */
import type { Command } from 'commander';
import type { GlobalOptions } from './io.js';

type Action = (plan: string | undefined, opts: Record<string, unknown>, global: GlobalOptions) => Promise<number>;

/** Every command: its arguments, summary and options; its module loads only when it runs. */
export const COMMANDS: {
  name: string;
  args?: string;
  summary: string;
  options?: (c: Command) => Command;
  load: () => Promise<Action>;
}[] = [
  {
    name: 'validate',
    args: '<plan>',
    summary: 'check the plan: every problem with file:line:column',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'schema',
    summary: "print the plan's JSON Schema",
    load: async () => (await import('./commands/schema.js')).schemaCommand,
  },
  {
    name: 'show',
    args: '<plan>',
    summary: 'the phases, gates, rollback plan and the earliest completion time',
    load: async () => (await import('./commands/show.js')).showCommand,
  },
  {
    name: 'status',
    args: '[plan]',
    summary:
      'current phase, traffic, time in phase, time until eligible, each criterion; --all [DIR]: every plan in DIR, one table',
    options: (c) => c.option('--all', 'every rollout whose plan is in the folder given (default: the current one)'),
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    name: 'checklist',
    args: '<plan>',
    summary: "the current phase's checklist, interactively (--yes or --answers FILE in scripts)",
    load: async () => (await import('./commands/checklist.js')).checklistCommand,
  },
  {
    name: 'check',
    args: '<plan>',
    summary: 'evaluate the gate now; changes nothing',
    options: (c) => c.option('--junit <file>', 'also write the gate as JUnit XML (each criterion a test case)'),
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  {
    name: 'advance',
    args: '<plan>',
    summary: 'evaluate the gate and, when it passes, move to the next phase',
    options: (c) =>
      c
        .option('--dry-run', 'show what it would do and change nothing')
        .option('--apply-contingency', 'apply the contingency of a failed gate (reduce traffic or roll back)')
        .option('--junit <file>', 'also write the gate as JUnit XML (each criterion a test case)'),
    load: async () => (await import('./commands/advance.js')).advanceCommand,
  },
  {
    name: 'approve',
    args: '<plan>',
    summary: 'record an approval for leaving the current phase',
    options: (c) =>
      c
        .option('--note <text>', 'a note kept with the approval')
        .option('--phase <name>', 'the phase you approve leaving: refused if the rollout is in another phase by then'),
    load: async () => (await import('./commands/approve.js')).approveCommand,
  },
  {
    name: 'reduce',
    args: '<plan>',
    summary: "contingency: back to the previous phase's traffic",
    options: (c) => c.option('--reason <text>', 'why', 'manual reduce').option('--dry-run', 'show what it would do'),
    load: async () => (await import('./commands/reduce.js')).reduceCommand,
  },
  {
    name: 'rollback',
    args: '<plan>',
    summary: 'run the rollback plan, timing each step against its estimate',
    options: (c) =>
      c
        .option('--reason <text>', 'why', 'manual rollback')
        .option('--dry-run', 'show what it would do')
        .option(
          '--component <name>',
          "only this component's steps (the rollout is paused, not rolled back, unless they include the flag step)",
        ),
    load: async () => (await import('./commands/rollback.js')).rollbackCommand,
  },
  {
    name: 'pause',
    args: '<plan>',
    summary: 'a paused rollout does not advance',
    options: (c) => c.option('--reason <text>', 'why'),
    load: async () => (await import('./commands/pause.js')).pauseCommand,
  },
  {
    name: 'resume',
    args: '<plan>',
    summary:
      'let a paused rollout advance again; after a rollback, go on from the phase the flag serves now (asks first)',
    load: async () => (await import('./commands/pause.js')).resumeCommand,
  },
  {
    name: 'report',
    args: '<plan>',
    summary: 'write (or rewrite) the reports of the phases so far',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'history',
    args: '<plan>',
    summary: 'the event journal',
    load: async () => (await import('./commands/history.js')).historyCommand,
  },
  {
    name: 'playbook',
    args: '<plan>',
    summary: 'the support playbook from the plan: how it is built, troubleshooting, rollback, FAQ',
    options: (c) =>
      c
        .option('--format <md|html>', 'what to print on stdout', 'md')
        .option('--write', 'write playbook.md and playbook.html into the reports folder instead'),
    load: async () => (await import('./commands/playbook.js')).playbookCommand,
  },
  {
    name: 'drill',
    args: '<plan>',
    summary: 'a hands-on drill: the plan, made harmless, against a scenario on a simulated clock',
    options: (c) =>
      c
        .option('--scenario <name>', 'latency, errors or incident', 'latency')
        .option('--dir <folder>', 'the scratch folder (empty or new); a temporary one by default'),
    load: async () => (await import('./commands/drill.js')).drillCommand,
  },
  {
    name: 'doctor',
    args: '<plan>',
    summary: "check every provider's reachability, credentials and data",
    load: async () => (await import('./commands/doctor.js')).doctorCommand,
  },
  {
    name: 'backtest',
    args: '<plan>',
    summary: "replay a phase's metric history through its gate: where it would have held, failed or passed",
    options: (c) =>
      c
        .option('--phase <name>', 'the phase whose gate is replayed')
        .option('--from <time>', 'when the phase would have been entered (ISO-8601)')
        .option('--to <time>', 'the last check (ISO-8601)')
        .option('--every <duration>', 'time between checks', '10m'),
    load: async () => (await import('./commands/backtest.js')).backtestCommand,
  },
  {
    name: 'note',
    args: '<plan> <text>',
    summary: 'add a note to the issue log (--kind issue, the default) or the user-feedback section (--kind feedback)',
    options: (c) => c.option('--kind <issue|feedback>', 'what the note is', 'issue'),
    load: async () => (await import('./commands/note.js')).noteCommand,
  },
  {
    name: 'digest',
    args: '<plan>',
    summary: "each stakeholder's digest due now on its cadence; --send sends it (once) through its notifiers",
    options: (c) =>
      c
        .option('--audience <name>', 'only this stakeholder audience')
        .option('--send', 'send what is due and record it, so it is never sent twice')
        .option('--resend', 'with --send: send again a digest a stopped run may or may not have sent'),
    load: async () => (await import('./commands/digest.js')).digestCommand,
  },
  {
    name: 'state',
    args: '<action> <plan> [file]',
    summary: 'export PLAN (to stdout) or import PLAN FILE: move a rollout (state and journal) between backends',
    load: async () => (await import('./commands/state-transfer.js')).stateCommand,
  },
  {
    name: 'reset',
    args: '<plan>',
    summary: 'start a completed, rolled-back or rolling-back rollout over (asks first; the journal is kept)',
    load: async () => (await import('./commands/reset.js')).resetCommand,
  },
  {
    name: 'watch',
    args: '<plan>',
    summary: 'check (or, with --advance, advance) on a schedule until a bound or a decision; tells of changes only',
    options: (c) =>
      c
        .option('--every <duration>', 'time between checks', '10m')
        .option('--until <eligible|done>', 'stop once the gate would pass, or once the rollout is over')
        .option('--for <duration>', "stop after this long (on the tool's clock)", '24h')
        .option('--max-checks <n>', 'stop after this many checks')
        .option('--advance', 'advance when the gate passes (under the lock, as `rollout advance`)')
        .option('--apply-contingency', 'with --advance: apply the contingency of a failed gate'),
    load: async () => (await import('./commands/watch.js')).watchCommand,
  },
];
