import { formatDate } from '../../src/reports/i18n.js';
import { describe, expect, test } from '@jest/globals';
import { evaluateMetric } from '../../src/gates/evaluate-metric.js';
import type { Criterion } from '../../src/gates/types.js';
import type { DocumentKind } from '../../src/plan/schema.js';
import { renderMarkdown, table } from '../../src/reports/markdown.js';
import { buildPhaseReport, type PhaseReport } from '../../src/reports/model.js';
import type { JournalEntry, RolloutState } from '../../src/state/types.js';
import {
  at,
  buildPlan,
  DAY,
  HOUR,
  journalEntry,
  metricInput,
  MIN,
  observation,
  phaseInput,
  phaseRecord,
} from '../helpers/builders.js';

const plan = buildPlan({
  owner: 'Recs team',
  audiences: { beta: { attribute: 'group', in: ['beta'] } },
  metrics: [
    metricInput({ name: 'latency', unit: 'ms', slo: { below: 500 }, severe: { below: 800 } }),
    metricInput({ name: 'throughput', query: 'tp', unit: 'req/s', slo: undefined }),
  ],
  phases: [
    phaseInput('pre-deploy', 0, {
      checklist: ['Backups taken', { id: 'smoke', text: 'Smoke tests', run: './smoke.sh ' }],
      documents: ['rollout-plan', 'test-cases'],
    }),
    phaseInput('canary', 10, {
      audience: 'beta',
      minDuration: '48h',
      documents: ['initial-metrics', 'comparative-analysis'],
    }),
    phaseInput('full', 100, { documents: ['final-report', 'lessons-learned'] }),
  ],
  advance: { sloWindow: '1h', approvals: { required: 1, approvers: ['ana', 'bo'] } },
  contingency: { severe: { action: 'rollback' } },
  rollback: [
    { component: 'svc', procedure: 'flag off', action: 'flag', estimate: '2m' },
    { component: 'api', procedure: 'redeploy', run: 'kubectl rollout undo ', estimate: '5m-10m' },
  ],
});

const ENTERED_CANARY = at(-3 * DAY);
const flagBefore = { enabled: true, traffic: 0 };
const flagAfter = { enabled: true, traffic: 10, audience: 'beta' };

const state: RolloutState = {
  version: 1,
  plan: 'demo',
  status: 'in-progress',
  phaseIndex: 1,
  phase: 'canary',
  traffic: 10,
  startedAt: at(-4 * DAY),
  updatedAt: ENTERED_CANARY,
  phases: {
    'pre-deploy': phaseRecord('pre-deploy', {
      enteredAt: at(-4 * DAY),
      leftAt: ENTERED_CANARY,
      checklist: {
        'backups-taken': {
          id: 'backups-taken',
          text: 'Backups taken',
          status: 'done',
          by: 'ana',
          at: at(-4 * DAY + HOUR),
        },
        smoke: {
          id: 'smoke',
          text: 'Smoke tests',
          status: 'done',
          by: 'ci',
          at: at(-4 * DAY + 2 * HOUR),
          command: './smoke.sh ',
          exitCode: 0,
        },
      },
      approvals: [{ by: 'bo', at: at(-3 * DAY - HOUR), note: 'go' }],
      flagBefore,
      flagAfter,
    }),
    canary: phaseRecord('canary', { enteredAt: ENTERED_CANARY, approvals: [{ by: 'ana', at: at(-HOUR) }] }),
  },
};

const metricCriterion = (name: string, value: number, when: number, cohort: 'canary' | 'control'): Criterion =>
  evaluateMetric({
    metric: plan.metrics.find((m) => m.name === name)!,
    observation: observation({ value, now: when, cohort }),
    windowLabel: '1h',
  });

const gateEntry = (
  phase: string,
  when: number,
  data: Record<string, unknown>,
  clock: JournalEntry['clock'] = 'system',
): JournalEntry => journalEntry({ type: 'gate.evaluated', phase, at: at(when), clock, data });

const journal = (clock: JournalEntry['clock'] = 'system'): JournalEntry[] => [
  journalEntry({
    seq: 1,
    type: 'checklist.answered',
    phase: 'pre-deploy',
    at: at(-4 * DAY + HOUR),
    data: { id: 'backups-taken', text: 'Backups taken', status: 'done', by: 'ana' },
  }),
  journalEntry({ seq: 2, type: 'approval.recorded', phase: 'pre-deploy', at: at(-3 * DAY - HOUR), data: { by: 'bo' } }),
  gateEntry('pre-deploy', -3 * DAY, {
    decision: 'advanced',
    from: 'pre-deploy',
    to: 'canary',
    verdict: 'pass',
    criteria: [metricCriterion('latency', 200, Date.parse(ENTERED_CANARY), 'control')],
    reported: [metricCriterion('throughput', 1000, Date.parse(ENTERED_CANARY), 'control')],
    reasons: ['every criterion passed; traffic 0% → 10%'],
  }),
  journalEntry({ seq: 4, type: 'effect.done', phase: 'pre-deploy', at: at(-3 * DAY), data: { action: 'set-traffic' } }),
  journalEntry({ seq: 5, type: 'rollout.advanced', phase: 'pre-deploy', at: at(-3 * DAY), data: {} }),
  journalEntry({ seq: 6, type: 'rollout.held', phase: 'canary', at: at(-2 * DAY), data: {} }),
  gateEntry(
    'canary',
    -10 * MIN,
    {
      decision: 'failed',
      from: 'canary',
      to: null,
      verdict: 'fail',
      criteria: [
        { name: 'minDuration', kind: 'minDuration', verdict: 'pass', detail: '3d in phase ≥ 48h' },
        metricCriterion('latency', 900, Date.parse(at(-10 * MIN)), 'canary'),
        { name: 'approvals', kind: 'approvals', verdict: 'pass', detail: '1/1 approvals (ana)' },
      ],
      reported: [metricCriterion('throughput', 1200, Date.parse(at(-10 * MIN)), 'canary')],
      reasons: ['latency: 900 ms breaks the SLO | with a pipe'],
      contingency: {
        level: 'severe',
        action: 'rollback',
        applied: false,
        automatic: false,
        advice: 'run the rollback plan (2 steps)',
      },
    },
    clock,
  ),
];

const report = (
  phase: string,
  over: { state?: RolloutState; journal?: JournalEntry[]; simulated?: boolean } = {},
): PhaseReport =>
  buildPhaseReport({
    plan,
    state: over.state ?? state,
    journal: over.journal ?? journal(),
    phase,
    now: at(),
    simulated: over.simulated ?? false,
  });

describe('buildPhaseReport', () => {
  test('a phase left: times, checklist answers, flag before/after, decision, its own events', () => {
    const r = report('pre-deploy');
    expect(r.plan).toEqual({
      name: 'demo',
      title: 'Demo rollout',
      owner: 'Recs team',
      service: 'demo-svc',
      strategy: 'canary',
      flag: 'demo-flag',
    });
    expect(r.phase).toEqual({
      name: 'pre-deploy',
      index: 0,
      of: 3,
      traffic: 0,
      audience: undefined,
      minDuration: undefined,
      status: 'left',
      enteredAt: at(-4 * DAY),
      leftAt: ENTERED_CANARY,
      timeInPhase: '1d',
    });
    expect(r.checklist).toEqual([
      {
        id: 'backups-taken',
        text: 'Backups taken',
        status: 'done',
        by: 'ana',
        at: at(-4 * DAY + HOUR),
        reason: undefined,
        command: undefined,
        exitCode: undefined,
        output: undefined,
      },
      {
        id: 'smoke',
        text: 'Smoke tests',
        status: 'done',
        by: 'ci',
        at: at(-4 * DAY + 2 * HOUR),
        reason: undefined,
        command: './smoke.sh ',
        exitCode: 0,
        output: undefined,
      },
    ]);
    expect(r.flag).toEqual({ before: flagBefore, after: flagAfter });
    expect(r.decision).toMatchObject({ decision: 'advanced', from: 'pre-deploy', to: 'canary' });
    expect(r.gate).toMatchObject({ evaluatedAt: at(-3 * DAY), verdict: 'pass' });
    expect(r.approvals).toEqual({
      required: 1,
      approvers: ['ana', 'bo'],
      given: [{ by: 'bo', at: at(-3 * DAY - HOUR), note: 'go' }],
    });
    expect(r.events.map((e) => e.summary)).toEqual([
      'checklist "Backups taken": done by ana',
      'approved by bo',
      'gate pass: advanced',
      'set-traffic done',
      'rollout.advanced',
    ]);
    expect(r.simulatedClock).toBe(false);
  });

  test('the current phase: its last gate, time so far, no flag change yet', () => {
    const r = report('canary');
    expect(r.phase).toMatchObject({
      status: 'current',
      traffic: 10,
      audience: 'beta',
      minDuration: '48h',
      timeInPhase: '3d',
      leftAt: undefined,
    });
    expect(r.gate!.verdict).toBe('fail');
    expect(r.decision).toMatchObject({
      decision: 'failed',
      to: null,
      contingency: { level: 'severe', action: 'rollback' },
    });
    expect(r.flag).toBeUndefined();
    expect(r.checklist).toEqual([]);
  });

  test('a phase not reached yet', () => {
    const r = report('full');
    expect(r.phase).toMatchObject({ status: 'not-reached', enteredAt: undefined, timeInPhase: undefined });
    expect(r.gate).toBeUndefined();
    expect(r.decision).toBeUndefined();
    expect(r.events).toEqual([]);
    expect(r.checklist).toEqual([]);
  });

  test('an open checklist item is "open", with the command it would run', () => {
    const s: RolloutState = {
      ...state,
      phases: { ...state.phases, 'pre-deploy': phaseRecord('pre-deploy', { leftAt: ENTERED_CANARY }) },
    };
    expect(report('pre-deploy', { state: s }).checklist.map((c) => [c.status, c.by, c.command])).toEqual([
      ['open', undefined, undefined],
      ['open', undefined, './smoke.sh '],
    ]);
  });

  test('the last phase of a completed rollout is "left"', () => {
    const s: RolloutState = {
      ...state,
      status: 'completed',
      phaseIndex: 2,
      phase: 'full',
      completedAt: at(),
      phases: { ...state.phases, full: phaseRecord('full', { enteredAt: at(-DAY), leftAt: at() }) },
    };
    expect(report('full', { state: s }).phase.status).toBe('left');
  });

  test.each<[string, JournalEntry[], boolean, boolean]>([
    ['system clock', journal('system'), false, false],
    ['a journal entry from ROLLOUT_NOW', journal('ROLLOUT_NOW'), false, true],
    ['the report itself on a simulated clock', journal('system'), true, true],
  ])('simulated clock: %s', (_what, entries, simulated, want) => {
    expect(report('pre-deploy', { journal: entries, simulated }).simulatedClock).toBe(want);
  });
});

describe('document sections', () => {
  const docs = (phase: string) =>
    Object.fromEntries(report(phase).documents.map((d) => [d.kind, d])) as Record<
      DocumentKind,
      PhaseReport['documents'][number]
    >;

  test('each phase produces the sections it lists, in order', () => {
    expect(report('pre-deploy').documents.map((d) => d.kind)).toEqual(['rollout-plan', 'test-cases']);
    expect(report('canary').documents.map((d) => d.kind)).toEqual(['initial-metrics', 'comparative-analysis']);
    expect(report('full').documents.map((d) => d.kind)).toEqual(['final-report', 'lessons-learned']);
  });

  test.each<[DocumentKind, string, string, string, boolean]>([
    ['rollout-plan', 'pre-deploy', 'Rollout plan', 'data', false],
    ['test-cases', 'pre-deploy', 'Test cases', 'partial', true],
    ['initial-metrics', 'canary', 'Initial metrics report', 'data', false],
    ['comparative-analysis', 'canary', 'Comparative analysis', 'partial', true],
    ['final-report', 'full', 'Final report', 'data', false],
    ['lessons-learned', 'full', 'Lessons learned', 'people', true],
  ])('%s: "%s" title, source and people-only parts', (kind, phase, title, source, hasTodo) => {
    const d = docs(phase)[kind];
    expect(d).toMatchObject({ kind, title, source });
    expect(d.blocks.some((b) => b.type === 'todo')).toBe(hasTodo);
  });

  test('rollout-plan: phases with their gates, metrics with SLOs, contingency, rollback', () => {
    const d = docs('pre-deploy')['rollout-plan'];
    expect(d.blocks[0]).toEqual({
      type: 'text',
      text: 'Demo rollout: a canary rollout of demo-svc, driven by the flag "demo-flag". Owner: Recs team.',
    });
    // each table is introduced by a caption
    expect(
      d.blocks
        .slice(1)
        .filter((b) => b.type === 'text')
        .map((b) => (b as { text: string }).text),
    ).toEqual([
      'Phases and the gate to leave each:',
      'Metrics and their SLOs:',
      'Contingency ladder:',
      'Rollback plan, in order:',
    ]);
    expect(
      d.blocks
        .slice(1)
        .filter((b) => b.type === 'table')
        .map((b) => (b.type === 'table' ? b.rows : [])),
    ).toEqual([
      [
        ['0', 'pre-deploy', '0%', 'everyone', '-', '1h', '1 of ana, bo'],
        ['1', 'canary', '10%', 'beta', '48h', '1h', '1 of ana, bo'],
        ['2', 'full', '100%', 'everyone', '-', '1h', '1 of ana, bo'],
      ],
      [
        ['latency', 'performance', '< 500 ms', '< 800 ms', 'moderate'],
        ['throughput', 'performance', 'reported only', '-', '-'],
      ],
      [
        ['light', 'default'],
        ['moderate', 'default'],
        ['severe', 'rollback'],
      ],
      [
        ['svc', 'flag off', 'flag off', '2m'],
        ['api', 'redeploy', 'run: kubectl rollout undo', '5m-10m'],
      ],
    ]);
  });

  test('test-cases: the checklist results, and the functional tests left to people', () => {
    const d = docs('pre-deploy')['test-cases'];
    expect(d.blocks[1]).toEqual({
      type: 'table',
      head: ['check', 'how', 'result', 'by', 'at'],
      rows: [
        ['Backups taken', 'manual', 'done', 'ana', at(-4 * DAY + HOUR)],
        ['Smoke tests', '`./smoke.sh`', 'done', 'ci', at(-4 * DAY + 2 * HOUR)],
      ],
    });
    expect(d.blocks[2]).toMatchObject({ type: 'todo', text: expect.stringMatching(/functional test cases/) });
  });

  test('initial-metrics: each metric from the last gate', () => {
    const d = docs('canary')['initial-metrics'];
    expect(d.blocks[1]).toMatchObject({
      type: 'table',
      rows: [
        ['latency', 'canary', '900 ms', '900 ms', '900 ms', '< 500 ms', '13', 'fail'],
        ['throughput', 'canary', '-', '1200 req/s', '1200 req/s', 'no SLO', '13', 'reported'],
      ],
    });
  });

  test('initial-metrics without a gate evaluation is left to do', () => {
    const d = report('canary', { journal: journal().filter((e) => e.phase !== 'canary') }).documents.find(
      (x) => x.kind === 'initial-metrics',
    )!;
    expect(d.source).toBe('partial');
    expect(d.blocks).toEqual([
      {
        type: 'todo',
        text: 'No gate evaluation was recorded in this phase yet; run `rollout check` or `rollout advance`.',
      },
    ]);
  });

  test('comparative-analysis: the previous phase against this one, in means', () => {
    const d = docs('canary')['comparative-analysis'];
    expect(d.blocks[1]).toEqual({
      type: 'table',
      head: ['metric', 'pre-deploy', 'canary', 'change'],
      rows: [
        ['latency', '200 ms', '900 ms', '350.0%'],
        ['throughput', '1000 req/s', '1200 req/s', '20.0%'],
      ],
    });
  });

  test('final-report: every phase with its times and last decision; holds and failures counted', () => {
    const d = docs('full')['final-report'];
    expect(d.blocks[0]).toEqual({
      type: 'text',
      text: `The rollout is in-progress. It started ${at(-4 * DAY)}. Gates held 1 time(s) and failed 0 time(s).`,
    });
    expect(d.blocks[1]).toMatchObject({
      rows: [
        ['pre-deploy', '0%', at(-4 * DAY), ENTERED_CANARY, '1d', 'advanced'],
        ['canary', '10%', ENTERED_CANARY, '-', '3d', 'failed'],
        ['full', '100%', '-', '-', '-', '-'],
      ],
    });
  });

  test('lessons-learned: facts to start from, the rest for people', () => {
    const d = docs('full')['lessons-learned'];
    expect(d.blocks).toEqual([
      { type: 'text', text: 'Facts to start from: 1 held gate(s), 0 failed action(s), 0 rollback event(s).' },
      {
        type: 'todo',
        text: 'What went well, what did not, what to change in the next plan. Only people can write this section.',
      },
    ]);
  });
});

describe('renderMarkdown', () => {
  const md = (phase: string, over: Parameters<typeof report>[1] = {}) => renderMarkdown(report(phase, over));

  test('title and summary table', () => {
    const text = md('canary');
    expect(text.startsWith('# Demo rollout: phase 2/3 "canary"\n')).toBe(true);
    expect(text).toContain('| traffic | 10% of beta |');
    expect(text).toContain('| time in phase | 3d (minimum 48h) |');
    expect(text).toContain(`| entered | ${formatDate('en', ENTERED_CANARY)} |`);
    expect(text).toContain('| rollout status | in progress |');
  });

  test('the gate table has one row per criterion with the numbers', () => {
    const text = md('canary');
    expect(text).toContain(`Last evaluated ${formatDate('en', at(-10 * MIN))}: **fail**.`);
    expect(text).toContain('| criterion | verdict | observed | SLO | window | points | detail |');
    expect(text).toContain('| minDuration | ✅ pass | - | - | - | - | 3d in phase ≥ 48h |');
    expect(text).toMatch(
      /\| latency \| ❌ fail \| 900 ms \(worst\) \| < 500 ms \| 1h \| 13 \| 900 ms at \S+ breaks the SLO < 500 ms; 13 of 13 points outside over 1h \(past the severe bound < 800 ms\) \[severe\] \|/,
    );
    expect(text).toContain('Reported metrics (no SLO, never gating):');
    expect(text).toMatch(/\| throughput \| ok \| 1200 req\/s \| [\d.]+ req\/s \| 1h \| 13 \|/);
  });

  test('the decision with its reasons and the contingency', () => {
    const text = md('canary');
    expect(text).toContain('## Decision\n\n**failed**\n');
    expect(text).toContain('- latency: 900 ms breaks the SLO | with a pipe');
    expect(text).toContain('**Contingency** (severe): rollback — not applied. run the rollback plan (2 steps)');
    expect(md('pre-deploy')).toContain('**advanced** → canary');
  });

  test('checklist answers with who and when', () => {
    const text = md('pre-deploy');
    expect(text).toContain('| item | status | by | at | note |');
    expect(text).toContain(`| Backups taken | done | ana | ${formatDate('en', at(-4 * DAY + HOUR))} |  |`);
    expect(text).toContain(
      `| Smoke tests | done | ci | ${formatDate('en', at(-4 * DAY + 2 * HOUR))} | \`./smoke.sh\` exit 0 |`,
    );
  });

  test('approvals: required, approvers and who gave them', () => {
    const text = md('pre-deploy');
    expect(text).toContain('## Approvals\n\n1/1 required, from: ana, bo\n');
    expect(text).toContain(`| bo | ${formatDate('en', at(-3 * DAY - HOUR))} | go |`);
  });

  test('the flag before and after leaving the phase', () => {
    const text = md('pre-deploy');
    expect(text).toContain('| before | true | 0% | everyone |');
    expect(text).toContain('| after | true | 10% | beta |');
    expect(md('canary')).toContain('_The flag was not changed on leaving this phase._');
  });

  test('document sections, with the parts only people can write marked', () => {
    const pre = md('pre-deploy');
    expect(pre).toContain('## Rollout plan\n');
    expect(pre).toContain('## Test cases\n');
    expect(pre).toContain('> **To be written by people:** Describe the functional test cases');
    const canary = md('canary');
    expect(canary).toContain('## Initial metrics report\n');
    expect(canary).toContain('## Comparative analysis\n');
    expect(canary).toContain('> **To be written by people:** Interpret the differences');
    const full = md('full');
    expect(full).toContain('## Final report\n');
    expect(full).toContain(
      '## Lessons learned\n\n_This section is for people to write; rollout fills in the facts it has._\n',
    );
    expect(full).toContain('> **To be written by people:** What went well');
    // sections filled from data carry no such mark
    expect(pre.split('## Test cases')[0]).not.toContain('To be written by people');
  });

  test('a phase not reached says so instead of tables', () => {
    const text = md('full');
    expect(text).toContain('_The gate of this phase has not been evaluated yet._');
    expect(text).toContain('_No decision recorded yet._');
  });

  test.each<[string, Parameters<typeof report>[1], boolean]>([
    ['system clock', {}, false],
    ['journal on ROLLOUT_NOW', { journal: journal('ROLLOUT_NOW') }, true],
    ['report on a simulated clock', { simulated: true }, true],
  ])('simulated-clock banner: %s', (_what, over, shown) => {
    const text = md('pre-deploy', over);
    expect(text.includes('> **Simulated clock:** times in this report come from ROLLOUT_NOW')).toBe(shown);
  });

  test('a rollback section when the phase ran one', () => {
    const entries = [
      ...journal(),
      journalEntry({
        type: 'rollback.finished',
        phase: 'canary',
        data: {
          steps: [
            {
              component: 'svc',
              procedure: 'flag off',
              kind: 'flag',
              status: 'done',
              durationMs: 1500,
              estimate: '2m',
              overEstimate: false,
              detail: 'flag off',
            },
            {
              component: 'api',
              procedure: 'redeploy',
              kind: 'run',
              status: 'done',
              durationMs: 700_000,
              estimate: '5m-10m',
              overEstimate: true,
              detail: 'exit 0',
            },
          ],
        },
      }),
    ];
    const text = md('canary', { journal: entries });
    expect(text).toContain('## Rollback\n');
    expect(text).toContain('| svc | flag off | flag | done | 1.5 s | 2m | flag off |');
    expect(text).toContain('| api | redeploy | run | done | 700 s | 5m-10m (over) | exit 0 |');
  });
});

describe('table', () => {
  test.each<[string[], string[][], string]>([
    [['a', 'b'], [], '_none_\n'],
    [['a', 'b'], [['1', '2']], '| a | b |\n| --- | --- |\n| 1 | 2 |\n'],
    [['x'], [['pipe | here'], ['two\nlines']], '| x |\n| --- |\n| pipe \\| here |\n| two lines |\n'],
  ])('%j %j', (head, rows, want) => {
    expect(table(head, rows)).toBe(want);
  });
});
