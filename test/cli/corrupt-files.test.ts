/**
 * Corrupt state and journal files are noticed (issue 6, items 11 and 16), through the built binary:
 * every command refuses to act on them (exit 1), naming the file, the line or field and how to
 * repair it, and changes nothing; nothing is ever reset silently. A torn LAST journal line (a crash
 * mid-append) is the one thing tolerated: read-only commands warn, the next state-changing command
 * removes it and says so in the journal.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { after, atStage, explain, removeSandboxes, T, type CliResult, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

const NO_STACK = /^\s+at\s|node:internal/m;
const STATE_FILE = 'recommendations-v2.state.json';
const JOURNAL_FILE = 'recommendations-v2.journal.jsonl';

function expectRefused(r: CliResult, file: string, what: RegExp): void {
  if (r.code !== 1) throw new Error(`expected exit 1, got ${explain(r)}`);
  const e = r.json().error;
  expect(e.message).toContain(file);
  expect(`${e.message}\n${e.details.join('\n')}`).toMatch(what);
  expect(e.hint).toMatch(/backup|by hand|remove|restore/i);
  expect(r.stderr).not.toMatch(NO_STACK);
}

/** status, check, advance, approve, checklist and pause (and history, for the journal) all refuse; nothing is written. */
async function expectEveryCommandRefuses(sb: Sandbox, file: string, what: RegExp): Promise<void> {
  sb.clock.set(after(T.canary5, '1h'));
  const before = sb.snapshot();
  const commands = [
    ['status'],
    ['check'],
    ['advance'],
    ['approve', '--by', 'tech-lead'],
    ['checklist', '--yes'],
    ['pause'],
    ...(file === JOURNAL_FILE ? [['history']] : []),
  ];
  for (const args of commands) {
    const r = await sb.cmd(args[0]!, [...args.slice(1), '--json']);
    try {
      expectRefused(r, file, what);
    } catch (e) {
      throw new Error(`rollout ${args.join(' ')}: ${(e as Error).message}`);
    }
  }
  expect(sb.snapshot()).toEqual(before);
}

describe('a corrupt state file', () => {
  type S = Record<string, any>;
  it.each<[string, (s: S) => unknown, RegExp]>([
    ['null', () => null, /null/],
    ['an empty object', () => ({}), /version|plan|status/],
    ['a list', () => [], /not a rollout state|expected object/i],
    ['a phaseIndex past the last phase', (s) => ({ ...s, phaseIndex: 7 }), /phaseIndex/],
    ['a negative phaseIndex', (s) => ({ ...s, phaseIndex: -1 }), /phaseIndex/],
    ['a phase name that does not match its index', (s) => ({ ...s, phase: 'canary-25' }), /phase/],
    [
      'an entry time that is not a date',
      (s) => ({ ...s, phases: { ...s['phases'], 'canary-5': { ...s['phases']['canary-5'], enteredAt: 'yesterday' } } }),
      /enteredAt/,
    ],
    [
      'an approval time that is not a date',
      (s) => ({
        ...s,
        phases: {
          ...s['phases'],
          'pre-deploy': { ...s['phases']['pre-deploy'], approvals: [{ by: 'tech-lead', at: '2026-13-45T99:00:00Z' }] },
        },
      }),
      /approvals/,
    ],
    ['an unknown status', (s) => ({ ...s, status: 'finished' }), /status/],
    ['a traffic that is not a number', (s) => ({ ...s, traffic: '5' }), /traffic/],
  ])(
    'holding %s is refused by every command (exit 1, naming the file and the problem); nothing is reset',
    async (_label, edit, what) => {
      const sb = await atStage('canary-5');
      writeFileSync(sb.stateFile, JSON.stringify(edit(sb.state()!), null, 2));
      await expectEveryCommandRefuses(sb, STATE_FILE, what);
    },
  );
});

describe('a corrupt journal', () => {
  const edit = (sb: Sandbox, fn: (lines: string[]) => string[]) => {
    const lines = readFileSync(sb.journalFile, 'utf8').split('\n').filter(Boolean);
    writeFileSync(sb.journalFile, `${fn(lines).join('\n')}\n`);
  };

  it.each<[string, (lines: string[]) => string[], RegExp]>([
    ['a torn line in the middle', (l) => [...l.slice(0, 3), '{"seq":4,"at":"2026-06-1', ...l.slice(3)], /line 4\b/],
    ['a null line', (l) => [...l.slice(0, 2), 'null', ...l.slice(2)], /line 3\b/],
    [
      'a seq that is not a number',
      (l) => l.map((x, i) => (i === 4 ? x.replace(/"seq":\d+/, '"seq":"five"') : x)),
      /line 5\b.*seq/,
    ],
    [
      'a seq that goes backwards',
      (l) => l.map((x, i) => (i === 5 ? x.replace(/"seq":\d+/, '"seq":2') : x)),
      /line 6\b.*seq/,
    ],
    ['an entry without a time', (l) => l.map((x, i) => (i === 1 ? x.replace(/"at":"[^"]*",/, '') : x)), /line 2\b.*at/],
    ['a journal cut short (the state has seen more)', (l) => l.slice(0, 3), /truncated|cut short|lost/i],
    ['an emptied journal', () => [], /truncated|cut short|lost/i],
  ])(
    'with %s is refused by every command (exit 1, naming the file and the line); nothing is dropped or renumbered',
    async (_label, fn, what) => {
      const sb = await atStage('canary-5');
      edit(sb, fn);
      await expectEveryCommandRefuses(sb, JOURNAL_FILE, what);
    },
  );

  it('a torn last line (a crash mid-append) is reported by read-only commands, and removed, explicitly, by the next command that changes the state', async () => {
    const sb = await atStage('canary-5');
    const n = sb.journal().length;
    appendFileSync(sb.journalFile, '{"seq":999,"at":"2026-06-1');
    const torn = readFileSync(sb.journalFile, 'utf8');
    sb.clock.set(after(T.canary5, '1h'));

    const st = await sb.cmd('status');
    expect(st.code).toBe(0);
    expect(st.stderr).toMatch(new RegExp(`warning: .*${JOURNAL_FILE}.*line ${n + 1}.*torn`));
    expect(readFileSync(sb.journalFile, 'utf8')).toBe(torn);

    const ap = await sb.cmd('approve', ['--by', 'tech-lead']);
    expect(ap.code).toBe(0);
    expect(ap.stderr).toMatch(new RegExp(`warning: .*line ${n + 1}.*removed`));
    const j = sb.journal(); // every line parses again
    expect(j.map((e) => e.seq)).toEqual(j.map((_, i) => i + 1));
    expect(j.slice(n).map((e) => e.type)).toEqual(['journal.repaired', 'approval.recorded']);
    expect(j[n]!.data).toMatchObject({ line: n + 1, removed: '{"seq":999,"at":"2026-06-1' });
  });
});
