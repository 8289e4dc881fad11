/**
 * `rollout status`'s metric lines: each metric with an SLO, its judged window as a sparkline with the
 * SLO's mark (src/reports/sparkline.ts); slots that break the SLO in red when colour is on, and
 * counted in words either way; gaps (`·`) counted, so missing data never reads as a low value.
 */
import type { Observations } from '../gates/types.js';
import type { Plan } from '../plan/schema.js';
import { GAP, sparkline } from '../reports/sparkline.js';
import type { Style } from './io.js';

export function sparklineRows(plan: Plan, observations: Observations, width: number) {
  const metrics = plan.metrics.filter((m) => m.slo !== undefined && observations.metrics[m.name]);
  const nameWidth = Math.max(0, ...metrics.map((m) => m.name.length));
  const slots = Math.max(8, Math.min(48, width - nameWidth - 50));
  return metrics.map((m) => {
    const o = observations.metrics[m.name]!;
    const line = o.series
      ? sparkline({ points: o.series.points, from: o.from, to: o.to, slots, slo: m.slo, unit: m.unit })
      : undefined;
    return { name: m.name, nameWidth, line, error: o.series ? undefined : (o.error ?? 'no data') };
  });
}

export function renderSparklines(plan: Plan, observations: Observations, style: Style, width: number): string {
  return sparklineRows(plan, observations, width)
    .map(({ name, nameWidth, line, error }) => {
      const head = name.padEnd(nameWidth);
      if (!line) return `${head}  ${style.yellow(`no data: ${error}`)}`;
      const bars = line.glyphs.map((g, i) => (line.breach[i] ? style.red(g) : g)).join('');
      const notes = [
        line.sloMark,
        line.breaches ? style.red(`${line.breaches} slot${line.breaches === 1 ? '' : 's'} breaking it`) : '',
        line.gaps ? `${line.gaps} without data (${GAP})` : '',
      ].filter(Boolean);
      return `${head}  ${bars}  ${notes.join(' · ')}`;
    })
    .join('\n');
}
