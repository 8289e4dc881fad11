/**
 * The comparative analysis's latency part (src/reports/comparison-section.ts): a Mann-Whitney test
 * on each latency metric's per-interval values in the phase, canary against control, labelled as
 * not valid under repeated looks and informational (statistics.md §4, T2 numbers).
 */
import { describe, expect, it } from '@jest/globals';
import { comparisonBlocks } from '../../src/reports/comparison-section.js';
import { isLatencyMetric } from '../../src/engine/report-latency.js';

type Table = { type: 'table'; head: string[]; rows: string[][] };

describe('Mann-Whitney in the comparative analysis', () => {
  it('one row per latency metric with U, z and p (T2 row 1), labelled not valid under repeated looks', () => {
    const blocks = comparisonBlocks(
      [],
      [
        { name: 'latency_p95', canary: [12, 15, 11, 18, 15, 20, 14], control: [10, 11, 13, 11, 9, 12] },
        { name: 'db_response_time', canary: [], control: [1, 2] },
      ],
    );
    const table = blocks.find((b): b is Table => b.type === 'table' && b.head[0] === 'latency metric');
    expect(table).toBeDefined();
    expect(table!.head.join(' ')).toMatch(/not valid under repeated looks; informational, never gates/);
    const [lat, db] = table!.rows;
    expect(lat).toEqual(['latency_p95', '7 / 6', '15.0000 / 11.0000', '37.5000', '2.3048', '0.0212']);
    expect(db?.[3]).toMatch(/no result: a cohort has no values/);
  });

  it('no latency series and no comparison: no section', () => {
    expect(comparisonBlocks([], [])).toEqual([]);
  });

  it('latency metrics are value metrics in a time unit or named for latency', () => {
    const m = (over: Record<string, unknown>) => ({ name: 'x', kind: 'value', ...over }) as never;
    expect(isLatencyMetric(m({ unit: 'ms' }))).toBe(true);
    expect(isLatencyMetric(m({ name: 'db_response_time', unit: '' }))).toBe(true);
    expect(isLatencyMetric(m({ unit: '%' }))).toBe(false);
    expect(isLatencyMetric(m({ unit: 'ms', kind: 'histogram' }))).toBe(false);
  });
});
