/**
 * A metric's window as a one-line sparkline (▁▂▃▄▅▆▇█), pure: the window is cut into `slots`, each slot
 * drawn at its worst value (the one furthest toward the SLO's bound). A slot with no finite point is
 * the gap glyph `·`: missing data looks missing, never like a low value or 0. The SLO is marked by
 * the glyph of its level on the same scale (`SLO < 500 ms at ▆`); slots that break it are listed by
 * count, and painted by the caller when colour is on (`breach` says which).
 */
import { describeBound, violates } from '../gates/evaluate-metric.js';
import type { Point } from '../providers/types.js';

export const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
export const GAP = '·';

export interface Bound {
  below?: number | undefined;
  above?: number | undefined;
}

export interface Sparkline {
  /** one glyph per slot */
  glyphs: string[];
  /** per slot: its worst value broke the SLO */
  breach: boolean[];
  gaps: number;
  breaches: number;
  /** `SLO < 500 ms at ▆`, or '' without an SLO */
  sloMark: string;
}

export function sparkline(args: {
  points: Point[];
  from: number;
  to: number;
  slots: number;
  slo?: Bound | undefined;
  unit?: string | undefined;
}): Sparkline {
  const { from, to, slo } = args;
  const slots = Math.max(1, Math.floor(args.slots));
  const span = Math.max(1, to - from);
  // the side the SLO guards: an upper bound's worst is the highest value, a lower bound's the lowest
  const worseIsLow = slo?.below === undefined && slo?.above !== undefined;
  const worst: (number | undefined)[] = new Array(slots).fill(undefined);
  for (const p of args.points) {
    if (!Number.isFinite(p.v) || !Number.isFinite(p.t) || p.t < from || p.t > to) continue;
    const i = Math.min(slots - 1, Math.floor(((p.t - from) / span) * slots));
    const w = worst[i];
    if (w === undefined || (worseIsLow ? p.v < w : p.v > w)) worst[i] = p.v;
  }
  const values = worst.filter((v): v is number => v !== undefined);
  const levels = [...values, ...[slo?.below, slo?.above].filter((v): v is number => v !== undefined)];
  const lo = levels.length ? Math.min(...levels) : 0;
  const hi = levels.length ? Math.max(...levels) : 0;
  const glyph = (v: number) =>
    hi === lo ? BARS[3] : BARS[Math.min(BARS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BARS.length))];
  const glyphs = worst.map((v) => (v === undefined ? GAP : glyph(v)!));
  const breach = worst.map((v) => v !== undefined && slo !== undefined && violates(v, slo));
  const marks = [slo?.below, slo?.above].filter((v): v is number => v !== undefined).map((v) => glyph(v));
  return {
    glyphs,
    breach,
    gaps: worst.filter((v) => v === undefined).length,
    breaches: breach.filter(Boolean).length,
    sloMark: slo ? `SLO ${describeBound(slo, args.unit)} at ${marks.join('/')}` : '',
  };
}
