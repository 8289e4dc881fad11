/**
 * What a crash leaves behind: an effect journaled as started with no outcome is reported once and
 * closed in the journal; `status` compares what the flag serves with what the state recorded.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { after, atStage, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(removeSandboxes);

describe('interrupted runs', () => {
  it('an effect started by a run that died is reported once, with what it was doing, and closed in the journal', async () => {
    const sb = await atStage('canary-5');
    const seq = sb.journal().at(-1)!.seq + 1;
    // the journal of a run killed while it set the flag to 25%
    appendFileSync(
      sb.journalFile,
      `${JSON.stringify({
        seq,
        at: sb.clock.now,
        clock: 'ROLLOUT_NOW',
        type: 'effect.start',
        phase: 'canary-5',
        effect: 'dead-run-1',
        data: { action: 'flag.set-traffic', target: { traffic: 25, audience: 'active-users' }, actor: 'ci' },
      })}\n`,
    );

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
    doc.flags['recommendations-v2'].targeting = JSON.parse(
      split.replace('["on",5000],["off",95000]', '["on",50000],["off",50000]'),
    );
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
    expect(s.flagMismatch.join('\n')).toContain(
      'the flag serves profile in [technical, business], but the audience technical-users is profile in [technical]',
    );
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

describe('a crash after the flag moved and before the state was saved', () => {
  const effectStart = (seq: number, at: string, phase: string, traffic: number, audience: string, before: unknown) =>
    JSON.stringify({
      seq,
      at,
      clock: 'ROLLOUT_NOW',
      type: 'effect.start',
      phase,
      effect: `crashed-${seq}`,
      data: {
        action: 'flag.set-traffic',
        provider: 'local',
        flag: 'recommendations-v2',
        before,
        target: { traffic, audience },
        reason: `enter a phase (${traffic}%)`,
        actor: 'ci',
      },
    });

  it('before the first save: status warns (read-only), the next advance records what landed, once, and never sets the flag again', async () => {
    // the flag file a run leaves after setting canary-5's 5% of technical users
    const ref = await atStage('canary-5');
    const sb = Sandbox.create({ now: T.canary5 });
    sb.writeFile('plans/.rollout/flags.json', readFileSync(ref.flagFile));
    const at = new Date(T.canary5).toISOString();
    sb.writeFile(
      'plans/.rollout/recommendations-v2.journal.jsonl',
      `${[
        JSON.stringify({
          seq: 1,
          at,
          clock: 'ROLLOUT_NOW',
          type: 'gate.evaluated',
          phase: 'pre-deploy',
          data: { decision: 'advanced', from: 'pre-deploy', to: 'canary-5', actor: 'ci' },
        }),
        effectStart(2, at, 'pre-deploy', 5, 'technical-users', { enabled: false, traffic: 0 }),
      ].join('\n')}\n`,
    );
    expect(sb.state()).toBeUndefined();
    sb.clock.set(after(T.canary5, '1h'));

    const before = sb.snapshot();
    const st = await sb.cmd('status', ['--json']);
    expect(st.code).toBe(0);
    expect(st.stderr).toContain('a previous run stopped before it finished: set the flag to 5% of technical-users');
    expect(st.json()).toMatchObject({ state: 'not-started', flagMatchesState: false, flag: { traffic: 5 } });
    expect(st.json().interrupted).toEqual([expect.objectContaining({ effect: 'crashed-2', landed: true })]);
    expect(sb.snapshot()).toEqual(before); // a read-only command changes nothing

    const adv = await sb.cmd('advance', ['--json']);
    expect(adv.code).toBe(3); // held: canary-5's soak has just begun
    expect(adv.json()).toMatchObject({ decision: 'held', from: 'canary-5', phase: 'canary-5', traffic: 5 });
    expect(adv.stderr).toContain('a previous run stopped before it finished');
    expect(sb.state()).toMatchObject({ status: 'in-progress', phase: 'canary-5', phaseIndex: 1, traffic: 5 });
    expect(sb.state()!.phases['canary-5']!.enteredAt).toBe(at); // when the flag moved
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(before['plans/.rollout/flags.json']);
    const j = sb.journal();
    expect(j.filter((e) => e.type === 'effect.start')).toHaveLength(1); // never applied twice
    expect(j.filter((e) => e.type === 'effect.interrupted')).toEqual([
      expect.objectContaining({ effect: 'crashed-2', data: expect.objectContaining({ landed: true }) }),
    ]);
    expect(j.map((e) => e.seq)).toEqual(j.map((_, i) => i + 1));

    const again = await sb.cmd('advance');
    expect(again.code).toBe(3);
    expect(again.stderr).not.toContain('a previous run stopped');
  });

  it('mid-rollout (canary-5 → canary-25): the next advance records the phase change that landed instead of moving the flag again', async () => {
    const landed = await atStage('canary-5-approved');
    expect((await landed.cmd('advance')).code).toBe(0); // only to get the flag file of canary-25
    const sb = await atStage('canary-5-approved');
    const seq = sb.journal().at(-1)!.seq + 1;
    appendFileSync(
      sb.journalFile,
      `${effectStart(seq, sb.clock.now, 'canary-5', 25, 'active-users', {
        enabled: true,
        traffic: 5,
        audience: 'technical-users',
      })}\n`,
    );
    writeFileSync(sb.flagFile, readFileSync(landed.flagFile));
    const flagDoc = readFileSync(sb.flagFile, 'utf8');

    const adv = await sb.cmd('advance', ['--json']);
    expect(adv.code).toBe(3);
    expect(adv.json()).toMatchObject({ decision: 'held', from: 'canary-25', phase: 'canary-25', traffic: 25 });
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(flagDoc);
    expect(
      sb
        .journal()
        .filter(
          (e) =>
            e.type === 'effect.start' &&
            e.data['action'] === 'flag.set-traffic' &&
            (e.data['target'] as { traffic: number }).traffic === 25,
        ),
    ).toHaveLength(1);
    expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25 });
    expect(sb.state()!.phases['canary-5']!.leftAt).toBe(new Date(sb.clock.now).toISOString());
  });
});
