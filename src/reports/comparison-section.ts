/**
 * The phase report's comparative analysis (issue 9 item 4): canary against control WITHIN the
 * phase, from the comparison criteria the gate recorded (counts since the phase was entered): the
 * estimate (absolute and relative), the always-valid interval and p-value, samples per cohort, the
 * sample-ratio check, and beside them the fixed-horizon z-test and, for latency, a Mann-Whitney
 * test on the phase's per-interval values of each latency metric (engine/report-latency.ts), each
 * labelled as not valid under repeated looks (Mann-Whitney is informational and never gates).
 * Pure: a section the report renderers call with what they already hold.
 */
import type { Criterion } from '../gates/types.js';
import type { Block } from './model.js';
import { mannWhitney } from '../stats/mann-whitney.js';

const REPEATED = 'fixed-horizon: not valid under repeated looks';
const n = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : Math.abs(x) >= 0.01 ? x.toFixed(4) : x.toPrecision(3);
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(2)} %`);

export interface LatencySeries {
  name: string;
  /** per-interval values of the phase, one per step (Kayenta's input) */
  canary: number[];
  control: number[];
}

/** The section's blocks (the renderers draw them); empty when the gate recorded no comparison and no latency series is given. */
export function comparisonBlocks(criteria: readonly Criterion[], latency: readonly LatencySeries[] = []): Block[] {
  const compared = criteria.filter((c) => c.comparison !== undefined);
  if (compared.length === 0 && latency.length === 0) return [];
  const out: Block[] = [
    {
      type: 'text',
      text: 'Canary against control within the phase, on the counts since the phase was entered. The always-valid interval and p-value stay valid however often the gate is checked; the fixed-horizon tests beside them are not valid under repeated looks.',
    },
  ];
  if (compared.length > 0) {
    out.push({
      type: 'table',
      head: [
        'comparison',
        'status',
        'canary − control',
        'relative',
        'always-valid interval',
        'always-valid p',
        'samples canary / control',
        'SRM',
        `z-test p (${REPEATED})`,
      ],
      rows: compared.map((c) => {
        const f = c.comparison!;
        const srm = f.srm && f.srm.status !== 'not-checked' ? `${f.srm.status} (p ${n(f.srm.pValue)})` : 'not checked';
        return [
          c.name,
          f.status,
          n(f.estimate),
          pct(f.relativeEstimate),
          f.interval ? `[${n(f.interval[0])}, ${n(f.interval[1])}]` : '—',
          n(f.pValue),
          `${f.samples.canary ?? '—'} / ${f.samples.control ?? '—'}`,
          srm,
          n(f.fixedHorizon?.pValue),
        ];
      }),
    });
    for (const c of compared)
      if (c.comparison?.needed && c.comparison.status !== 'pass')
        out.push({ type: 'text', text: `${c.name}: ${c.comparison.needed.text}` });
  }
  if (latency.length > 0)
    out.push({
      type: 'table',
      head: [
        'latency metric',
        'intervals canary / control',
        'median canary / control',
        'Mann-Whitney U',
        'z',
        `p (${REPEATED}; informational, never gates)`,
      ],
      rows: latency.map((l) => {
        const r = mannWhitney(l.canary, l.control);
        const counts = `${l.canary.length} / ${l.control.length}`;
        const medians = `${n(median(l.canary))} / ${n(median(l.control))}`;
        if (!r) return [l.name, counts, medians, 'no result: a cohort has no values in the phase', '—', '—'];
        return [l.name, counts, medians, n(r.u), n(r.z), n(r.pValue)];
      }),
    });
  return out;
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
