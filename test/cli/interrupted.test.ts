/**
 * What a crash leaves behind: an effect journaled as started with no outcome is reported once and
 * closed in the journal; `status` compares what the flag serves with what the state recorded.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { atStage, removeSandboxes } from '../helpers/cli.js';

afterAll(removeSandboxes);

describe('interrupted runs', () => {
  it('an effect started by a run that died is reported once, with what it was doing, and closed in the journal', async () => {
    const sb = await atStage('canary-5');
    const seq = sb.journal().at(-1)!.seq + 1;
    // the journal of a run killed while it set the flag to 25%
    appendFileSync(sb.journalFile, JSON.stringify({ seq, at: sb.clock.now, clock: 'ROLLOUT_NOW', type: 'effect.start', phase: 'canary-5', effect: 'dead-run-1', data: { action: 'flag.set-traffic', target: { traffic: 25, audience: 'active-users' }, actor: 'ci' } }) + '\n');

    const first = await sb.cmd('advance');
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('a previous run stopped before it finished: set the flag to 25% of active-users');
    const closed = sb.journal().filter((e) => e.type === 'effect.interrupted');
    expect(closed).toEqual([expect.objectContaining({ effect: 'dead-run-1', phase: 'canary-5' })]);

    const second = await sb.cmd('advance');
    expect(second.code).toBe(3);
    expect(second.stderr).not.toContain('a previous run stopped');
  });

  it('status shows what the flag serves and warns when it differs from the state', async () => {
    const sb = await atStage('canary-5');
    const ok = await sb.json('status', [], 0);
    expect(ok.flag).toMatchObject({ enabled: true, traffic: 5, audience: 'technical-users' });
    expect(ok.flagMatchesState).toBe(true);

    // someone edits the flag by hand
    const doc = JSON.parse(readFileSync(sb.flagFile, 'utf8'));
    doc.flags['recommendations-v2'].metadata.traffic = 50;
    writeFileSync(sb.flagFile, JSON.stringify(doc));
    const r = await sb.cmd('status');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serves 50% of technical-users');
    expect(r.stderr).toContain('the flag serves 50% but the state records 5%');
    expect((await sb.json('status', [], 0)).flagMatchesState).toBe(false);
  });
});
