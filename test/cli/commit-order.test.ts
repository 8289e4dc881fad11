/**
 * Through the binary: every command that changes the state saves it, then journals the change (the
 * state's `journalSeq`, stamped by the store when it saves, is the seq just before the command's own
 * entry), then notifies. Reset used to journal before it saved.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import type { JournalEntry } from '../../src/state/types.js';
import { after, atStage, explain, removeSandboxes, T, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

async function must(sb: Sandbox, command: string, args: string[], code = 0): Promise<void> {
  const r = await sb.cmd(command, args);
  if (r.code !== code) throw new Error(`rollout ${command}: expected exit ${code}, got ${explain(r)}`);
}

/** The command's own entry (the last of `type`): the state was saved right before it was appended. */
function expectSavedBefore(sb: Sandbox, type: string): JournalEntry {
  const entry = sb
    .journal()
    .filter((e) => e.type === type)
    .at(-1);
  expect(entry).toBeDefined();
  expect(entry!.v).toBe(1);
  expect({ type, journalSeq: sb.state()!.journalSeq }).toEqual({ type, journalSeq: entry!.seq - 1 });
  // nothing but notifications follows it
  expect(
    sb
      .journal()
      .filter((e) => e.seq > entry!.seq)
      .map((e) => e.type)
      .filter((t) => !t.startsWith('notify.')),
  ).toEqual([]);
  return entry!;
}

describe('state, then journal, for every command that changes the state', () => {
  it('approve, pause, resume, advance, reduce, rollback and reset', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(T.canary25);
    await must(sb, 'approve', ['--by', 'tech-lead']);
    expectSavedBefore(sb, 'approval.recorded');
    await must(sb, 'pause', ['--reason', 'freeze']);
    expectSavedBefore(sb, 'rollout.paused');
    await must(sb, 'resume', []);
    expectSavedBefore(sb, 'rollout.resumed');
    await must(sb, 'advance', []);
    expectSavedBefore(sb, 'rollout.advanced');
    sb.clock.set(after(T.canary25, '1h'));
    await must(sb, 'reduce', ['--reason', 'tickets']);
    expectSavedBefore(sb, 'rollout.reduced');
    await must(sb, 'rollback', ['--yes', '--reason', 'drill']);
    expectSavedBefore(sb, 'rollout.rolled-back');
    await must(sb, 'reset', ['--yes']);
    expectSavedBefore(sb, 'rollout.reset');
    expect(sb.state()).toMatchObject({ status: 'not-started' });
  });

  it('checklist: each answer saved, then journaled', async () => {
    const sb = await atStage('start');
    await must(sb, 'checklist', ['--yes']);
    expectSavedBefore(sb, 'checklist.answered');
  });
});
