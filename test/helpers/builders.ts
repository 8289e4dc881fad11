/**
 * Small builders for the pure-core unit tests: a minimal valid plan (object, YAML text or parsed
 * Plan), metric series and observations, rollout states, gate results and journal entries, all
 * on one fixed clock. Each builder takes overrides, so a test states only what it is about.
 */
import { stringify } from 'yaml';
import type { Criterion, GateResult, MetricObservation, Observations } from '../../src/gates/types.js';
import { planSchema, type Plan, type PlanInput } from '../../src/plan/schema.js';
import type { Cohort, Point, Series } from '../../src/providers/types.js';
import type { JournalEntry, PhaseRecord, RolloutState } from '../../src/state/types.js';

// ---- the fixed clock ------------------------------------------------------------------------

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** The tests' "now": a fixed instant, so every time in an assertion is exact. */
export const T0 = Date.parse('2030-01-15T12:00:00.000Z');

/** ISO time `ms` after T0 (negative: before). */
export const at = (ms = 0): string => new Date(T0 + ms).toISOString();

/** A clock in the engine's shape, stopped at `now`. */
export function fixedClock(now = T0, simulated = false) {
  return { now: () => now, simulated, stopwatch: () => () => 0 };
}

// ---- plans ----------------------------------------------------------------------------------

type MetricInput = NonNullable<PlanInput['metrics']>[number];
type PhaseInput = PlanInput['phases'][number];

export function metricInput(over: Partial<MetricInput> = {}): MetricInput {
  return { name: 'latency', query: 'latency', unit: 'ms', slo: { below: 500 }, ...over };
}

export function phaseInput(name: string, traffic: number, over: Partial<PhaseInput> = {}): PhaseInput {
  return { name, traffic, ...over };
}

/**
 * The smallest valid plan: one file flag provider, one file metrics provider, three phases
 * (0 → 10 → 100), no metrics. Top-level keys of `over` replace the defaults whole.
 */
export function planInput(over: Partial<PlanInput> & Record<string, unknown> = {}): PlanInput {
  return {
    version: 1,
    name: 'demo',
    title: 'Demo rollout',
    service: 'demo-svc',
    flag: { key: 'demo-flag' },
    providers: {
      flags: { local: { type: 'file', path: 'flags.json' } },
      metrics: { local: { type: 'file', path: 'metrics.csv' } },
    },
    phases: [phaseInput('pre-deploy', 0), phaseInput('canary', 10), phaseInput('full', 100)],
    ...over,
  } as PlanInput;
}

/** The same plan as YAML text (block style, two-space indent: line numbers are predictable). */
export function planYaml(over: Partial<PlanInput> & Record<string, unknown> = {}): string {
  return stringify(planInput(over));
}

/** The same plan parsed by the schema (defaults applied), as the core receives it. */
export function buildPlan(over: Partial<PlanInput> & Record<string, unknown> = {}): Plan {
  return planSchema.parse(planInput(over));
}

/** 1-based line number of the first line of `text` containing `needle` (for position assertions). */
export function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`"${needle}" is not in the text after line ${from}`);
}

/** 1-based column where `needle` starts on line `line`. */
export function columnOf(text: string, line: number, needle: string): number {
  const col = text.split('\n')[line - 1]!.indexOf(needle);
  if (col < 0) throw new Error(`"${needle}" is not on line ${line}`);
  return col + 1;
}

// ---- series and observations ----------------------------------------------------------------

/** Points every `every` ms from `from` to `to` inclusive; `value` is a constant or a function of (index, time). */
export function points(args: {
  from: number;
  to: number;
  every: number;
  value: number | ((i: number, t: number) => number);
}): Point[] {
  const out: Point[] = [];
  for (let t = args.from, i = 0; t <= args.to; t += args.every, i++)
    out.push({ t, v: typeof args.value === 'number' ? args.value : args.value(i, t) });
  return out;
}

export function series(pts: Point[], over: Partial<Series> = {}): Series {
  return { points: pts, invalid: 0, ...over };
}

/**
 * An observation over [now - window, now] on a fixed clock. By default a full window sampled every
 * 5 minutes at `value`, the provider stating that interval (`stepMs`); pass `points` for any other shape.
 */
export function observation(
  over: {
    value?: number;
    window?: number;
    every?: number;
    now?: number;
    cohort?: Cohort;
    points?: Point[];
    series?: Partial<Series>;
    error?: string;
  } = {},
): MetricObservation {
  const now = over.now ?? T0;
  const window = over.window ?? HOUR;
  const from = now - window;
  const cohort = over.cohort ?? 'canary';
  if (over.error !== undefined) return { cohort, from, to: now, error: over.error };
  const every = over.every ?? 5 * MIN;
  const pts = over.points ?? points({ from, to: now, every, value: over.value ?? 100 });
  return { cohort, from, to: now, series: series(pts, { stepMs: every, ...over.series }) };
}

export function observations(
  metrics: Record<string, MetricObservation> = {},
  incidents?: Observations['incidents'],
): Observations {
  return { metrics, incidents };
}

// ---- state, gates, journal ------------------------------------------------------------------

export function phaseRecord(name: string, over: Partial<PhaseRecord> = {}): PhaseRecord {
  return { name, enteredAt: at(-DAY), visits: 1, checklist: {}, approvals: [], ...over };
}

/** A rollout in progress at phase `phaseIndex`, entered a day before T0. */
export function stateAt(plan: Plan, phaseIndex: number, over: Partial<RolloutState> = {}): RolloutState {
  const phase = plan.phases[phaseIndex]!;
  return {
    version: 1,
    plan: plan.name,
    status: 'in-progress',
    phaseIndex,
    phase: phase.name,
    traffic: phase.traffic,
    phases: { [phase.name]: phaseRecord(phase.name) },
    startedAt: at(-7 * DAY),
    updatedAt: at(-DAY),
    ...over,
  };
}

export function criterion(over: Partial<Criterion> = {}): Criterion {
  return { name: 'latency', kind: 'metric', verdict: 'pass', detail: 'fine', ...over };
}

export function gateResult(verdict: GateResult['verdict'], over: Partial<GateResult> = {}): GateResult {
  const criteria = over.criteria ?? [
    criterion({ verdict, ...(verdict === 'fail' ? { level: over.level ?? 'moderate' } : {}) }),
  ];
  return { verdict, criteria, reported: [], ...over };
}

export function journalEntry(over: Partial<JournalEntry> & Pick<JournalEntry, 'type'>): JournalEntry {
  return { seq: 1, at: at(), clock: 'system', data: {}, ...over };
}
