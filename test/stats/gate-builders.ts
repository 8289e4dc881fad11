/** Small builders for gate inputs in the stats tests. */
import type {
  ExceedanceComparisonInput,
  GateInput,
  RatioComparisonInput,
  SloComparisonInput,
} from '../../src/stats/gate-types.js';
import type { Bucket, Counts } from '../../src/stats/types.js';

export const counts = (events: number, total: number): Counts => ({ events, total });

export function ratio(over: Partial<RatioComparisonInput> = {}): RatioComparisonInput {
  return {
    kind: 'ratio',
    name: 'conversion',
    better: 'higher',
    canary: counts(80, 5000),
    control: counts(1900, 95000),
    passMargin: { kind: 'absolute', value: 0.001 },
    tau: { tau2: 1e-5 },
    ...over,
  };
}

const les = [50, 100, 250, 500, 1000, Number.POSITIVE_INFINITY];
export const buckets = (cs: number[]): Bucket[] => les.map((le, i) => ({ le, count: cs[i] ?? Number.NaN }));
export const t6Control = buckets([30000, 60000, 85000, 93500, 94700, 95000]);
export const t6Canary = buckets([1400, 2900, 4300, 4700, 4960, 5000]);

export function exceedanceAt(
  threshold: number,
  over: Partial<ExceedanceComparisonInput> = {},
): ExceedanceComparisonInput {
  return {
    kind: 'exceedance',
    name: `latency>${threshold}`,
    threshold,
    canary: t6Canary,
    control: t6Control,
    passMargin: { kind: 'absolute', value: 0.01 },
    tau: { tau2: 2e-5 },
    ...over,
  };
}

export function slo(over: Partial<SloComparisonInput> = {}): SloComparisonInput {
  return {
    kind: 'slo',
    name: 'errors',
    limit: { below: 0.005 },
    canary: counts(30, 10000),
    tau: { tau2: 3.948236914e-6 },
    ...over,
  };
}

export function gate(over: Partial<GateInput> = {}): GateInput {
  return { comparisons: [ratio()], canaryShare: 0.05, elapsedHours: 8, ...over };
}
