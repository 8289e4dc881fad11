/** The HTML and JUnit renderers read the same report model as Markdown and JSON. */
import { describe, expect, test } from '@jest/globals';
import { renderHtml } from '../../src/reports/html.js';
import { renderJunit } from '../../src/reports/junit.js';
import { buildPhaseReport } from '../../src/reports/model.js';
import type { JournalEntry, RolloutState } from '../../src/state/types.js';
import { at, buildPlan, journalEntry, metricInput, phaseInput, phaseRecord } from '../helpers/builders.js';

const plan = buildPlan({
  metrics: [
    metricInput({ name: 'latency', query: 'lat', unit: 'ms', slo: { below: 500 } }),
    metricInput({ name: 'errors', query: 'err', unit: '%', slo: { below: 1 } }),
  ],
  phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10, { minDuration: '48h' }), phaseInput('full', 100)],
});
const state: RolloutState = {
  version: 1,
  plan: plan.name,
  status: 'in-progress',
  phaseIndex: 1,
  phase: 'canary',
  traffic: 10,
  phases: {
    'pre-deploy': phaseRecord('pre-deploy', { enteredAt: at(-4 * 86_400_000), leftAt: at(-3 * 86_400_000) }),
    canary: phaseRecord('canary', { enteredAt: at(-3 * 86_400_000) }),
  },
  startedAt: at(-4 * 86_400_000),
  updatedAt: at(),
};
const window = { from: at(-3_600_000), to: at(), label: '1h' };
const journal: JournalEntry[] = [
  journalEntry({
    type: 'gate.evaluated',
    phase: 'canary',
    at: at(),
    data: {
      decision: 'failed',
      from: 'canary',
      to: null,
      verdict: 'fail',
      criteria: [
        { name: 'minDuration', kind: 'minDuration', verdict: 'hold', detail: '1d of 48h in phase' },
        {
          name: 'latency',
          kind: 'metric',
          verdict: 'fail',
          level: 'moderate',
          detail: '812 ms at T breaks the SLO < 500 ms & <more>',
          metric: {
            cohort: 'canary',
            unit: 'ms',
            slo: '< 500 ms',
            window,
            points: 13,
            breaches: 2,
            invalid: 0,
            worst: { at: at(), value: 812 },
          },
        },
        {
          name: 'errors',
          kind: 'metric',
          verdict: 'pass',
          detail: 'worst 0.2 % within < 1 %',
          metric: {
            cohort: 'canary',
            unit: '%',
            slo: '< 1 %',
            window,
            points: 13,
            breaches: 0,
            invalid: 0,
            worst: { at: at(), value: 0.2 },
          },
        },
      ],
      reported: [],
      reasons: ['latency: 812 ms breaks the SLO'],
      contingency: {
        level: 'moderate',
        action: 'reduce-traffic',
        applied: false,
        automatic: false,
        advice: 'step back',
      },
    },
  }),
];
const model = buildPhaseReport({ plan, state, journal, phase: 'canary', now: at(), simulated: true });

describe('renderHtml', () => {
  const html = renderHtml(model);
  test('is one self-contained page: no scripts, no external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link |src="http/);
  });
  test('shows each criterion with its verdict and numbers, escaped', () => {
    expect(html).toContain('<span class="v fail">fail</span>');
    expect(html).toContain('812 ms');
    expect(html).toContain('&lt;more&gt;');
    expect(html).not.toContain('<more>');
    expect(html).toContain('Simulated clock');
  });
  test('draws each gating metric over the phase: canary, control, SLO line, breaches, judged window', () => {
    const hour = 3_600_000;
    const pts = (v: (i: number) => number) =>
      Array.from({ length: 72 }, (_, i) => ({ t: Date.parse(at(-3 * 86_400_000 + i * hour)), v: v(i) }));
    const charted = renderHtml({
      ...model,
      series: {
        latency: { canary: pts((i) => (i > 60 ? 812 : 300)), control: pts(() => 290) },
        errors: { error: 'HTTP 503' },
      },
    });
    const fig =
      charted.match(/<figure class="chart"><figcaption>latency \(ms\)<\/figcaption>[\s\S]*?<\/figure>/)?.[0] ?? '';
    expect(fig).toMatch(/<polyline class="canary" points="[\d., ]+"\/>/);
    expect(fig).toMatch(/<polyline class="control" points="[\d., ]+"\/>/);
    expect(fig).toContain('<line class="slo"');
    expect(fig).toContain('SLO 500 ms');
    expect(fig.match(/<circle class="breach"/g)?.length).toBe(11);
    expect(fig).toContain('<rect class="judged"');
    expect(fig).toContain('<line class="boundary"');
    expect(charted).toContain('No data to draw: HTTP 503');
  });
  test('draws a comparison as its estimate with the interval, when the criterion carries one', () => {
    const criteria = model.gate!.criteria.map((c) =>
      c.name === 'errors'
        ? ({
            ...c,
            comparison: { status: 'fail', estimate: 0.4, interval: [0.1, 0.7], thresholds: { fail: 0, pass: 0.2 } },
          } as unknown as typeof c)
        : c,
    );
    const charted = renderHtml({ ...model, gate: { ...model.gate!, criteria } });
    expect(charted).toContain('<figure class="chart cmp">');
    expect(charted).toMatch(/estimate 0\.4, interval \[0\.1, 0\.7\] \(fail\)/);
    expect(charted).toContain('<circle class="estimate fail"');
  });
});

describe('renderJunit', () => {
  const xml = renderJunit(model);
  test('a failed criterion is a failure, a held one skipped, a passing one passes', () => {
    expect(xml).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toMatch(
      /<testcase classname="[^"]+\.canary" name="latency" time="0">\s*<failure message="812 ms at T breaks the SLO &lt; 500 ms &amp; &lt;more&gt;" type="moderate">/,
    );
    expect(xml).toMatch(/name="minDuration"[^>]*>\s*<skipped message="hold: 1d of 48h in phase"\/>/);
    expect(xml).toMatch(/name="errors"[^>]*>\s*<system-out>/);
  });
});
