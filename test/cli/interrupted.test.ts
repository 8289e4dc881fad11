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

    // someone edits the split by hand (what flagd serves), leaving rollout's metadata as it was
    const doc = JSON.parse(readFileSync(sb.flagFile, 'utf8'));
    const split = JSON.stringify(doc.flags['recommendations-v2'].targeting);
    expect(split).toContain('["on",5000],["off",95000]');
    doc.flags['recommendations-v2'].targeting = JSON.parse(split.replace('["on",5000],["off",95000]', '["on",50000],["off",50000]'));
    expect(doc.flags['recommendations-v2'].metadata.traffic).toBe(5);
    writeFileSync(sb.flagFile, JSON.stringify(doc));
    const r = await sb.cmd('status');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serves 50% of technical-users');
    expect(r.stderr).toContain('the flag serves 50% but the state records 5%');
    const s = await sb.json('status', [], 0);
    expect(s.flagMatchesState).toBe(false);
    expect(s.flag).toMatchObject({ traffic: 50 });
  });

  it('status derives the audience from the targeting condition: a hand edit of it is a mismatch', async () => {
    const sb = await atStage('canary-5');
    const doc = JSON.parse(readFileSync(sb.flagFile, 'utf8'));
    const rule = JSON.stringify(doc.flags['recommendations-v2'].targeting);
    expect(rule).toContain('{"in":[{"var":"profile"},["technical"]]}');
    doc.flags['recommendations-v2'].targeting = JSON.parse(rule.replace('["technical"]', '["technical","business"]'));
    writeFileSync(sb.flagFile, JSON.stringify(doc));
    const s = await sb.json('status', [], 0);
    expect(s.flagMatchesState).toBe(false);
    expect(s.flag).toMatchObject({ traffic: 5 });
    expect(s.flagMismatch.join('\n')).toContain('the flag serves profile in [technical, business], but the audience technical-users is profile in [technical]');
  });

  it('targeting rollout did not write is unrecognised: never read as a number, and never as matching', async () => {
    const sb = await atStage('canary-5');
    const doc = JSON.parse(readFileSync(sb.flagFile, 'utf8'));
    doc.flags['recommendations-v2'].targeting = { if: [{ '==': [{ var: 'email' }, 'ceo@example.com'] }, 'on', null] };
    writeFileSync(sb.flagFile, JSON.stringify(doc));
    const s = await sb.json('status', [], 0);
    expect(s.flag.traffic).toBeNull();
    expect(s.flag.note).toMatch(/unrecognised targeting/);
    expect(s.flagMatchesState).toBe(false);
    const r = await sb.cmd('status');
    expect(r.stdout).toContain('serves an unknown share');
    expect(r.stderr).toMatch(/what the flag serves cannot be told/);
  });
});
