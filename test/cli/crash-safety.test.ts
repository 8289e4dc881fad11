/**
 * Crash safety at every step, through the binary: a reference run lists the crash points a command
 * passes (ROLLOUT_TEST_CRASH_TRACE); then, for each point, a fresh copy of the rollout is killed
 * there (ROLLOUT_TEST_CRASH_AT=N: SIGKILL, as kill -9) and the command is run again. The rollout must
 * end where the uninterrupted run ended (state and the flag the provider serves), with no effect left
 * open and no flag change applied twice.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { atStage, explain, removeSandboxes, type Sandbox, type Stage, T } from '../helpers/cli.js';
import type { JournalEntry } from '../../src/state/types.js';

afterAll(() => removeSandboxes());

interface Scenario {
  command: string;
  args: string[];
  stage: Stage;
  at?: string;
  /**
   * The next run, after the crash: the same command when running it again is safe; for reduce,
   * `advance` (running `reduce` again after a reduce that landed reduces once more: a new request,
   * not a repeat; see the note in the report)
   */
  recover?: string[];
}
const SCENARIOS: Scenario[] = [
  { command: 'advance', args: [], stage: 'canary-5-approved' },
  { command: 'approve', args: ['--by', 'tech-lead'], stage: 'canary-5', at: T.canary25 },
  { command: 'reduce', args: ['--yes', '--reason', 'crash test'], stage: 'canary-25', recover: ['advance'] },
  { command: 'rollback', args: ['--yes', '--reason', 'crash test'], stage: 'canary-25' },
];

const action = (e: JournalEntry) => String(e.data['action'] ?? '');
/** Flag changes that landed: done, or found landed by a reconciliation. */
const landedFlagChanges = (j: JournalEntry[]) =>
  j.filter(
    (e) =>
      action(e).startsWith('flag.') &&
      (e.type === 'effect.done' || (e.type === 'effect.interrupted' && e.data['landed'] === true)),
  ).length;
const openEffects = (j: JournalEntry[]) => {
  const open = new Set<string>();
  for (const e of j) {
    if (!e.effect) continue;
    if (e.type === 'effect.start') open.add(e.effect);
    else if (['effect.done', 'effect.failed', 'effect.interrupted'].includes(e.type)) open.delete(e.effect);
  }
  return [...open];
};
const outcome = (sb: Sandbox) => {
  const s = sb.state()!;
  const flag = sb.flag();
  return {
    status: s.status,
    phase: s.phase,
    traffic: s.traffic,
    approvals: s.phases[s.phase]?.approvals.length,
    flag: { traffic: flag?.metadata?.['traffic'], state: flag?.state },
  };
};

async function prepared(sc: Scenario): Promise<Sandbox> {
  const sb = await atStage(sc.stage);
  if (sc.at) sb.clock.set(sc.at);
  return sb;
}

describe('a crash at every step of a command is recovered by the next run (file backend)', () => {
  for (const sc of SCENARIOS) {
    it(`${sc.command}: killed at each of its steps, then run again`, async () => {
      const ref = await prepared(sc);
      const before = ref.journal().length;
      const trace = ref.path('trace.txt');
      const r = await ref.cmd(sc.command, sc.args, { env: { ROLLOUT_TEST_CRASH_TRACE: trace } });
      expect([0, 3]).toContain(r.code);
      const points = readFileSync(trace, 'utf8').trim().split('\n');
      expect(points.length).toBeGreaterThan(3);
      const want = outcome(ref);
      const wantLanded = landedFlagChanges(ref.journal().slice(before));

      const failures: string[] = [];
      for (let i = 1; i <= points.length; i++) {
        const sb = await prepared(sc);
        const crashed = await sb.cmd(sc.command, sc.args, { env: { ROLLOUT_TEST_CRASH_AT: String(i) } });
        if (crashed.signal !== 'SIGKILL') failures.push(`${points[i - 1]}: not killed: ${explain(crashed)}`);
        const again = await sb.cmd(sc.recover?.[0] ?? sc.command, sc.recover ? sc.recover.slice(1) : sc.args);
        // a rollback whose last step was saved before the kill is finished: running it again says so
        const finished = again.code === 2 && /already rolled back/.test(again.stderr);
        const j = sb.journal().slice(before);
        const got = outcome(sb);
        const problems = [
          ![0, 3].includes(again.code ?? -1) && !finished && `the run after the crash: ${explain(again)}`,
          JSON.stringify(got) !== JSON.stringify(want) &&
            `ended at ${JSON.stringify(got)}, not ${JSON.stringify(want)}`,
          openEffects(j).length > 0 && `effects left open: ${openEffects(j).join(', ')}`,
          landedFlagChanges(j) > wantLanded && `${landedFlagChanges(j)} flag changes landed, not ${wantLanded}`,
        ].filter(Boolean);
        if (problems.length) failures.push(`killed at ${points[i - 1]}: ${problems.join('; ')}`);
      }
      if (failures.length)
        throw new Error(`${failures.length} of ${points.length} crash points:\n${failures.join('\n')}`);
    }, 600_000);
  }
});
