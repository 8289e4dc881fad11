/**
 * A rollout checked every few minutes for days (issue 12): the journal grows by two entries a check,
 * and what commands read of it must not. Each run that holds the lock leaves a checkpoint beside the
 * journal; the next folds only what was appended since. The report of a long phase shows a repeated
 * check once, with how many times and until when.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { atStage, expectCode, removeSandboxes } from '../helpers/cli.js';

afterAll(removeSandboxes);

const checkpointOf = (journal: string) => journal.replace(/\.journal\.jsonl$/, '.journal.checkpoint.json');

describe('a long journal', () => {
  it('a check repeated every 5 minutes is one event in the report, with its count and last time', async () => {
    const sb = await atStage('canary-5');
    sb.clock.advance('1h');
    for (let i = 0; i < 6; i++) {
      expectCode(await sb.cmd('advance'), 3);
      sb.clock.advance('5m');
    }
    const json = JSON.parse(readFileSync(sb.reportFile('canary-5', 'json'), 'utf8'));
    const held = json.events.filter((e: { type: string }) => e.type === 'rollout.held');
    expect(held).toEqual([expect.objectContaining({ count: 6, summary: 'rollout.held' })]);
    expect(held[0].lastAt).toBe(
      sb
        .journal()
        .filter((e) => e.type === 'rollout.held')
        .at(-1)!.at,
    );
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toMatch(/\| .+ → .+ \(6 times\) \| gate hold: held \|/);
    expect(md).toMatch(/\| .+ → .+ \(6 times\) \| rollout\.held \|/);
    // the checkpoint covers the whole journal after the last run
    const cp = JSON.parse(readFileSync(checkpointOf(sb.journalFile), 'utf8'));
    expect(cp.offset).toBe(readFileSync(sb.journalFile).length);
    expect(cp.lastSeq).toBe(sb.journal().at(-1)!.seq);
  });

  it('lines appended after the checkpoint are folded in; the lines before it are not read again', async () => {
    const sb = await atStage('canary-5');
    sb.clock.advance('1h');
    expectCode(await sb.cmd('advance'), 3);
    // a doctored checkpoint (its fingerprint still fits) shows through: the prefix is not read again
    const file = checkpointOf(sb.journalFile);
    const cp = JSON.parse(readFileSync(file, 'utf8'));
    const row = cp.digest.phases['canary-5'].timeline.find(
      (r: { entry: { type: string } }) => r.entry.type === 'rollout.held',
    );
    row.count = 1000;
    writeFileSync(file, JSON.stringify(cp));
    // 2 000 checks journaled after it, as the minutes of a long soak add them
    const journal = sb.journal();
    const [gate, hold] = journal.slice(-2);
    let seq = hold!.seq;
    const lines: string[] = [];
    for (let k = 1; k <= 2000; k++) {
      const at = new Date(Date.parse(hold!.at) + k * 60_000).toISOString();
      lines.push(JSON.stringify({ ...gate, seq: ++seq, at }), JSON.stringify({ ...hold, seq: ++seq, at }));
    }
    appendFileSync(sb.journalFile, `${lines.join('\n')}\n`);
    sb.clock.advance('2001m');
    const status = await sb.json('status');
    expect(status.phase).toBe('canary-5');
    expectCode(await sb.cmd('advance'), 3);
    const events = JSON.parse(readFileSync(sb.reportFile('canary-5', 'json'), 'utf8')).events;
    expect(events.filter((e: { type: string }) => e.type === 'rollout.held')).toEqual([
      expect.objectContaining({ count: 1000 + 2000 + 1 }),
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8')).lastSeq).toBe(seq + 2);
    // without the checkpoint the journal is read whole: the true count
    writeFileSync(file, 'not json');
    sb.clock.advance('1m');
    expectCode(await sb.cmd('advance'), 3);
    const truth = JSON.parse(readFileSync(sb.reportFile('canary-5', 'json'), 'utf8')).events;
    expect(truth.filter((e: { type: string }) => e.type === 'rollout.held')).toEqual([
      expect.objectContaining({ count: 1 + 2000 + 1 + 1 }),
    ]);
    expect(existsSync(file)).toBe(true);
  });
});
