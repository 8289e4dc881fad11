/**
 * `schedule:` (the seed's two-week calendar) through the built binary: validation with file:line:column,
 * and planned against actual against earliest in `status` and `show`, with "late by".
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { atStage, expectCode, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(removeSandboxes);

/** The seed's calendar: days 1-2 preparation, 3-4 phase 1, 5 analysis, 6-7 phase 2, 8-9 monitoring, 10 phase 3. */
const SEED = `
schedule:
  start: 2026-06-15
  phases:
    pre-deploy: { days: 1-2 }
    canary-5: { days: 3-4 }
    canary-25: { days: 6-7 }
    full: { days: 10 }
  activities:
    - { name: metrics analysis, days: 5 }
    - { name: intensive monitoring, days: 8-9 }
`;

describe('schedule validation', () => {
  it.each([
    [
      'an unknown phase',
      'schedule:\n  start: 2026-06-15\n  phases:\n    canary-50: { days: 3-4 }\n',
      /canary-50/,
      /canary-5\b/,
    ],
    [
      'days without start',
      'schedule:\n  phases:\n    canary-5: { days: 3-4 }\n',
      /schedule\.start/,
      /start: 2026-06-15/,
    ],
    [
      'a reversed day range',
      'schedule:\n  start: 2026-06-15\n  phases:\n    canary-5: { days: 4-3 }\n',
      /day range/,
      /./,
    ],
    [
      'both days and dates',
      'schedule:\n  start: 2026-06-15\n  phases:\n    canary-5: { days: 3, from: 2026-06-17, to: 2026-06-18 }\n',
      /either/,
      /./,
    ],
    [
      'a date that is not one',
      'schedule:\n  phases:\n    canary-5: { from: 2026-02-30x, to: 2026-03-01 }\n',
      /date/,
      /./,
    ],
    ['to before from', 'schedule:\n  phases:\n    canary-5: { from: 2026-06-18, to: 2026-06-17 }\n', /before/, /./],
  ])('%s is refused with its place in the file, exit 2', async (_label, block, message, hint) => {
    const sb = Sandbox.create({ editPlan: (y) => `${y}\n${block}` });
    const r = await sb.run(['validate', sb.plan, '--json']);
    expectCode(r, 2);
    const text = JSON.stringify(r.json());
    expect(text).toMatch(message);
    expect(text).toMatch(hint);
    expect(text).toMatch(/recommendations\.yaml:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the seed calendar validates, in days or in dates', async () => {
    const sb = Sandbox.create({ editPlan: (y) => `${y}\n${SEED}` });
    expectCode(await sb.run(['validate', sb.plan]), 0);
    const dated = Sandbox.create({
      editPlan: (y) => `${y}\nschedule:\n  phases:\n    canary-5: { from: 2026-06-17, to: 2026-06-18T18:00:00Z }\n`,
    });
    expectCode(await dated.run(['validate', dated.plan]), 0);
  });
});

describe('planned against actual against earliest', () => {
  it('status: a phase entered inside its planned days is on time; the next is late once its planned start passes', async () => {
    const sb = await atStage('canary-5');
    sb.editPlan((y) => `${y}\n${SEED}`);
    const onTime = await sb.json('status', [], 0);
    const c5 = onTime.schedule.phases.find((p: { phase: string }) => p.phase === 'canary-5');
    expect(c5).toMatchObject({
      planned: { from: '2026-06-17T00:00:00.000Z', to: '2026-06-19T00:00:00.000Z' },
      actualStart: T.canary5.replace('Z', '.000Z'),
    });
    expect(c5.lateMs).toBeUndefined();
    // canary-25 is planned for days 6-7 (from 2026-06-20); on 2026-06-21T13:00 it is 1d 13h behind
    const late = await sb.cmd('status', ['--no-color'], { now: '2026-06-21T13:00:00Z' });
    expectCode(late, 0);
    expect(late.stdout).toMatch(
      /canary-25: planned 2026-06-20 → 2026-06-21 · not entered · earliest \S+ · late by 1d 13h/,
    );
    expect(late.stdout).toMatch(/canary-5: planned 2026-06-17 → 2026-06-18 · entered 2026-06-18T09:00Z(?! ·)/);
    expect(late.stdout).toMatch(/\(intensive monitoring\): planned 2026-06-22 → 2026-06-23/);
    const j = await sb.json('status', [], 0, { now: '2026-06-21T13:00:00Z' });
    const c25 = j.schedule.phases.find((p: { phase: string }) => p.phase === 'canary-25');
    expect(c25.lateMs).toBe(37 * 3_600_000);
    expect(Date.parse(c25.earliestStart)).toBeGreaterThanOrEqual(Date.parse('2026-06-21T13:00:00Z'));
  });

  it('show: a phase entered after its planned end is late by its start against the planned start', async () => {
    const sb = await atStage('canary-25');
    // canary-25 entered 2026-06-20T09:00; planned on day 3 only (2026-06-17): late by 3d 9h
    sb.editPlan((y) => `${y}\nschedule:\n  start: 2026-06-15\n  phases:\n    canary-25: { days: 3 }\n`);
    const r = await sb.cmd('show', ['--no-color']);
    expectCode(r, 0);
    expect(r.stdout).toMatch(/canary-25: planned 2026-06-17 → 2026-06-17 · entered 2026-06-20T09:00Z · late by 3d 9h/);
    expect(r.stdout).toMatch(/full: not planned/);
  });

  it('a plan without schedule has no schedule section and schedule: null in JSON', async () => {
    const sb = await atStage('canary-5');
    expect((await sb.json('status', [], 0)).schedule).toBeNull();
    expect((await sb.cmd('show', ['--no-color'])).stdout).not.toMatch(/schedule \(planned/);
  });
});

describe('reports', () => {
  const LATE = `\nschedule:\n  start: 2026-06-15\n  phases:\n    canary-25: { days: 3 }\n    full: { days: 6 }\n`;

  it('the report of the current phase shows the calendar and how late, and names the lateness among the risks', async () => {
    const sb = await atStage('canary-25');
    sb.editPlan((y) => y.replace('formats: [md, json]', 'formats: [md, json, html]') + LATE);
    expectCode(await sb.cmd('report', [], { now: '2026-06-22T09:00:00Z' }), 0);
    const md = readFileSync(sb.reportFile('canary-25', 'md'), 'utf8');
    expect(md).toContain('planned (calendar)');
    // canary-25 planned for day 3 (2026-06-17), entered 2026-06-20T09:00: 3d 9h late
    expect(md).toMatch(/\| canary-25 \|[^\n]*\| 3d 9h \|/);
    // full planned from day 6 (2026-06-20), not entered on 2026-06-22T09:00: 2d 9h late
    expect(md).toMatch(/\| full \|[^\n]*\| 2d 9h \|/);
    expect(md).toMatch(/late by 3d 9h against the planned calendar/);
    const html = readFileSync(sb.path('plans', 'reports', 'recommendations-v2', 'canary-25.html'), 'utf8');
    expect(html).toContain('planned (calendar)');
    expect(html).toContain('<td>3d 9h</td>');
    const json = JSON.parse(readFileSync(sb.reportFile('canary-25', 'json'), 'utf8'));
    const row = json.executive.schedule.find((s: { phase: string }) => s.phase === 'canary-25');
    expect(row).toMatchObject({
      calendar: { from: '2026-06-17T00:00:00.000Z' },
      calendarLateMs: (3 * 24 + 9) * 3_600_000,
    });
  });

  it('in pt-BR the same columns and risk are translated', async () => {
    const sb = await atStage('canary-25');
    sb.editPlan((y) => y.replace('formats: [md, json]', 'formats: [md, json]\n  language: pt-BR') + LATE);
    expectCode(await sb.cmd('report', [], { now: '2026-06-22T09:00:00Z' }), 0);
    const md = readFileSync(sb.reportFile('canary-25', 'md'), 'utf8');
    expect(md).toContain('previsto (cronograma)');
    expect(md).toMatch(/atrasada 3d 9h em relação ao cronograma/);
  });

  it('without schedule the report keeps its five schedule columns', async () => {
    const sb = await atStage('canary-25');
    expectCode(await sb.cmd('report', [], { now: '2026-06-22T09:00:00Z' }), 0);
    const md = readFileSync(sb.reportFile('canary-25', 'md'), 'utf8');
    expect(md).not.toContain('planned (calendar)');
  });
});

describe('misspelt schedule keys', () => {
  it('a misspelt `days` inside schedule is refused with a did-you-mean', async () => {
    const sb = Sandbox.create({
      editPlan: (y) => `${y}\nschedule:\n  start: 2026-06-15\n  phases:\n    canary-5: { dayz: 3-4 }\n`,
    });
    const r = await sb.run(['validate', sb.plan]);
    expectCode(r, 2);
    expect(r.stderr).toMatch(/recommendations\.yaml:\d+:\d+/);
    expect(r.stderr).toMatch(/did you mean "days"/);
  });
});
