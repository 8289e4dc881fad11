/**
 * Issue 7 item 9, the fuzz guard, in-process tier: thousands of plans mutated from the reference plan
 * (test/helpers/plan-mutants.ts, fast-check) go through `validateText`, the very function `rollout
 * validate` and every command call (src/cli/load-plan.ts), and every valid one through the pure
 * pipeline the commands run (gate, decision, every report format). Nothing may throw: in the binary a
 * throw is an "unexpected error" (exit 1) instead of exit 0 or 2 with file:line:column problems.
 * test/cli/fuzz.test.ts drives a sample of the valid mutants through the binary itself.
 *
 * Deterministic by default (a fixed seed); ROLLOUT_FUZZ_SEED and ROLLOUT_FUZZ_RUNS explore further.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateText } from '../../src/cli/load-plan.js';
import { decide } from '../../src/engine/decide.js';
import { initialState } from '../../src/engine/state-ops.js';
import { assessGate } from '../../src/gates/assess.js';
import { formatIssue } from '../../src/plan/issues.js';
import type { Plan } from '../../src/plan/schema.js';
import { renderHtml } from '../../src/reports/html.js';
import { renderJunit } from '../../src/reports/junit.js';
import { renderMarkdown } from '../../src/reports/markdown.js';
import { buildPhaseReport } from '../../src/reports/model.js';
import { mutantText, nearValidText } from '../helpers/plan-mutants.js';

const SEED = Number(process.env['ROLLOUT_FUZZ_SEED'] ?? 20260618);
const RUNS = Number(process.env['ROLLOUT_FUZZ_RUNS'] ?? 1500);
const ENV = { ROLLOUT_NO_CACHE: '1', HOME: '/nonexistent', DEPLOY_ENV: 'production', API_TOKEN: 'tok-123456' };
const NOW = Date.parse('2026-06-18T09:00:00Z');

const counts = { mutants: 0, valid: 0, invalid: 0, nearValid: 0, nearValidValid: 0, raw: 0 };
afterAll(() => {
  process.stdout.write(`fuzz (in-process, seed ${SEED}): ${JSON.stringify(counts)}\n`);
});

/** validate, then (when valid) the pure pipeline of check/advance/report; returns whether it was valid. */
async function exercise(text: string): Promise<boolean> {
  const r = await validateText(text, ENV);
  for (const i of [...r.errors, ...r.warnings]) {
    expect(i.line).toBeGreaterThanOrEqual(1);
    expect(i.column).toBeGreaterThanOrEqual(1);
    expect(i.message.length).toBeGreaterThan(0);
    expect(formatIssue('plan.yaml', i)).toMatch(/^plan\.yaml:\d+:\d+ /);
  }
  if (!r.value) {
    expect(r.errors.length).toBeGreaterThan(0);
    return false;
  }
  const plan: Plan = r.value.plan;
  const nowIso = new Date(NOW).toISOString();
  const state = initialState(plan, nowIso);
  plan.phases.forEach((phase, i) => {
    const gate = assessGate({
      plan,
      phaseIndex: i,
      record: undefined,
      observations: { metrics: {}, incidents: undefined },
      now: NOW,
    });
    // no data is never a pass
    if (plan.metrics.some((m) => m.slo !== undefined)) expect(gate.verdict).not.toBe('pass');
    decide({ plan, state: { ...state, phaseIndex: i, phase: phase.name }, gate, applyContingency: true });
    const model = buildPhaseReport({ plan, state, journal: [], phase: phase.name, now: nowIso, simulated: true });
    renderMarkdown(model);
    renderHtml(model);
    renderJunit(model);
    JSON.stringify(model);
  });
  return true;
}

describe('fuzz: mutated plans never break validation or the pure pipeline', () => {
  it(`${RUNS} structural and textual mutants of the reference plan`, async () => {
    await fc.assert(
      fc.asyncProperty(mutantText, async (text) => {
        counts.mutants += 1;
        if (await exercise(text)) counts.valid += 1;
        else counts.invalid += 1;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(counts.mutants).toBeGreaterThanOrEqual(Math.min(RUNS, 1000));
    // the mutants reach both sides
    expect(counts.valid).toBeGreaterThan(0);
    expect(counts.invalid).toBeGreaterThan(0);
  }, 600_000);

  it('near-valid mutants (values changed within their types) are mostly valid and never break', async () => {
    await fc.assert(
      fc.asyncProperty(nearValidText, async (text) => {
        counts.nearValid += 1;
        if (await exercise(text)) counts.nearValidValid += 1;
      }),
      { numRuns: Math.ceil(RUNS / 5), seed: SEED + 1, endOnFailure: true },
    );
    expect(counts.nearValidValid).toBeGreaterThan(counts.nearValid / 2);
  }, 600_000);

  it('arbitrary text and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.string({ unit: 'grapheme', maxLength: 200 }),
        ),
        async (text) => {
          counts.raw += 1;
          await exercise(text);
        },
      ),
      { numRuns: Math.ceil(RUNS / 5), seed: SEED + 2, endOnFailure: true },
    );
  }, 600_000);
});
