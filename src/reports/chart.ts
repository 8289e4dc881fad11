/**
 * Inline SVG charts for the HTML report: one gating metric over its phase (canary and control series,
 * the SLO line, breach points, the phase's boundaries, the judged window shaded) and a comparison drawn
 * as an estimate with its interval. Colours come from CSS classes, so dark, light and print all apply.
 * Pure: data in, markup out.
 */
import { formatDate, formatNumber, type Language, messages } from './i18n.js';

export interface ChartPoint {
  t: number;
  v: number;
}

/** One metric's data over a phase, as the report edge fetched it. */
export interface MetricSeries {
  canary?: ChartPoint[] | undefined;
  control?: ChartPoint[] | undefined;
  /** why there is no data (a provider error, a metric kind that has no series) */
  error?: string | undefined;
}

export interface ChartInput {
  name: string;
  unit?: string | undefined;
  series: MetricSeries | undefined;
  bound?: { below?: number | undefined; above?: number | undefined } | undefined;
  /** the phase's span (ISO): entered and left (or now) */
  phase: { from: string; to: string; leftAt?: string | undefined };
  /** the judged window (ISO), when the gate was evaluated */
  judged?: { from: string; to: string } | undefined;
  lang: Language;
}

const W = 720;
const H = 240;
const PAD = { l: 72, r: 16, t: 16, b: 40 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (x: number) => (Math.round(x * 10) / 10).toString();

const breaches = (v: number, b: ChartInput['bound']) =>
  b !== undefined && ((b.below !== undefined && v >= b.below) || (b.above !== undefined && v <= b.above));

export function metricChart(c: ChartInput): string {
  const m = messages(c.lang);
  const x0 = Date.parse(c.phase.from);
  const x1 = Math.max(Date.parse(c.phase.to), x0 + 1);
  const inSpan = (p: ChartPoint) => Number.isFinite(p.v) && p.t >= x0 && p.t <= x1;
  const canary = (c.series?.canary ?? []).filter(inSpan);
  const control = (c.series?.control ?? []).filter(inSpan);
  const label = `${c.name}${c.unit ? ` (${c.unit})` : ''}`;
  if (canary.length + control.length === 0)
    return `<p class="nodata">${esc(m.chart.noData(c.series?.error ?? m.none))}</p>`;
  const values = [...canary, ...control].map((p) => p.v);
  const bounds = [c.bound?.below, c.bound?.above].filter((b): b is number => b !== undefined);
  let lo = Math.min(...values, ...bounds);
  let hi = Math.max(...values, ...bounds);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  lo = lo >= 0 && lo - pad < 0 ? 0 : lo - pad;
  hi += pad;
  const X = (t: number) => PAD.l + ((t - x0) / (x1 - x0)) * (W - PAD.l - PAD.r);
  const Y = (v: number) => PAD.t + (1 - (v - lo) / (hi - lo)) * (H - PAD.t - PAD.b);
  const line = (pts: ChartPoint[]) => pts.map((p) => `${n(X(p.t))},${n(Y(p.v))}`).join(' ');
  const parts: string[] = [];
  parts.push(
    `<rect class="plot" x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}"/>`,
  );
  if (c.judged) {
    const a = X(Math.max(x0, Date.parse(c.judged.from)));
    const b = X(Math.min(x1, Date.parse(c.judged.to)));
    if (b > a)
      parts.push(
        `<rect class="judged" x="${n(a)}" y="${PAD.t}" width="${n(b - a)}" height="${H - PAD.t - PAD.b}"><title>${esc(m.chart.judged)}</title></rect>`,
        `<text class="tick" x="${n(b - 4)}" y="${PAD.t + 12}" text-anchor="end">${esc(m.chart.judged)}</text>`,
      );
  }
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    parts.push(
      `<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${n(Y(v))}" y2="${n(Y(v))}"/>`,
      `<text class="tick" x="${PAD.l - 6}" y="${n(Y(v) + 4)}" text-anchor="end">${esc(formatNumber(c.lang, v))}</text>`,
    );
  }
  for (const [t, anchor] of [
    [x0, 'start'],
    [x1, 'end'],
  ] as const)
    parts.push(
      `<text class="tick" x="${n(X(t))}" y="${H - PAD.b + 20}" text-anchor="${anchor}">${esc(formatDate(c.lang, new Date(t).toISOString()))}</text>`,
    );
  parts.push(`<line class="boundary" x1="${PAD.l}" x2="${PAD.l}" y1="${PAD.t}" y2="${H - PAD.b}"/>`);
  parts.push(`<text class="tick" x="${PAD.l + 4}" y="${H - PAD.b - 6}">${esc(m.chart.entered)}</text>`);
  if (c.phase.leftAt)
    parts.push(
      `<line class="boundary" x1="${W - PAD.r}" x2="${W - PAD.r}" y1="${PAD.t}" y2="${H - PAD.b}"/>`,
      `<text class="tick" x="${W - PAD.r - 4}" y="${H - PAD.b - 6}" text-anchor="end">${esc(m.chart.left)}</text>`,
    );
  for (const b of bounds)
    parts.push(
      `<line class="slo" x1="${PAD.l}" x2="${W - PAD.r}" y1="${n(Y(b))}" y2="${n(Y(b))}"/>`,
      `<text class="slo-label" x="${PAD.l + 4}" y="${n(Y(b) - 4)}">${esc(`${m.chart.sloLine} ${formatNumber(c.lang, b, c.unit)}`)}</text>`,
    );
  if (control.length) parts.push(`<polyline class="control" points="${line(control)}"/>`);
  if (canary.length) parts.push(`<polyline class="canary" points="${line(canary)}"/>`);
  const hits = canary.filter((p) => breaches(p.v, c.bound));
  for (const p of hits.slice(0, 200))
    parts.push(
      `<circle class="breach" cx="${n(X(p.t))}" cy="${n(Y(p.v))}" r="4"><title>${esc(`${m.chart.breach}: ${formatNumber(c.lang, p.v, c.unit)} ${formatDate(c.lang, new Date(p.t).toISOString())}`)}</title></circle>`,
    );
  const legend = `<p class="legend"><span class="k canary"></span>${esc(m.chart.canary)} <span class="k control"></span>${esc(m.chart.control)} ${bounds.length ? `<span class="k slo"></span>${esc(m.chart.sloLine)} ` : ''}${hits.length ? `<span class="k breach"></span>${esc(`${m.chart.breach} (${hits.length})`)} ` : ''}${c.judged ? `<span class="k judged"></span>${esc(m.chart.judged)}` : ''}</p>`;
  return `<figure class="chart"><figcaption>${esc(label)}</figcaption>${legend}<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${parts.join('')}</svg></figure>`;
}

/** What stats-int's comparison criteria carry, read structurally: estimate, interval and thresholds. */
export interface ComparisonData {
  status?: string;
  estimate: number | null;
  interval: [number, number] | null;
  thresholds?: { fail: number | null; pass: number | null } | undefined;
}

/** An estimate (canary − control) with its interval against zero and the pass/fail thresholds. */
export function comparisonChart(name: string, d: ComparisonData, lang: Language): string {
  const m = messages(lang);
  if (d.estimate === null || !Number.isFinite(d.estimate))
    return `<p class="nodata">${esc(`${name}: ${m.chart.noData(d.status ?? m.none)}`)}</p>`;
  const [a, b] = d.interval?.every(Number.isFinite) ? d.interval : [d.estimate, d.estimate];
  const marks = [0, a, b, d.estimate, d.thresholds?.fail, d.thresholds?.pass].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v),
  );
  let lo = Math.min(...marks);
  let hi = Math.max(...marks);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const span = hi - lo;
  lo -= span * 0.1;
  hi += span * 0.1;
  const w = 720;
  const X = (v: number) => 16 + ((v - lo) / (hi - lo)) * (w - 32);
  const g: string[] = [`<line class="grid" x1="${n(X(0))}" x2="${n(X(0))}" y1="6" y2="54"/>`];
  g.push(`<text class="tick" x="${n(X(0))}" y="68" text-anchor="middle">0</text>`);
  for (const [v, cls] of [
    [d.thresholds?.fail, 'slo'],
    [d.thresholds?.pass, 'pass-line'],
  ] as const)
    if (typeof v === 'number' && Number.isFinite(v))
      g.push(`<line class="${cls}" x1="${n(X(v))}" x2="${n(X(v))}" y1="6" y2="54"/>`);
  g.push(
    `<line class="interval" x1="${n(X(a))}" x2="${n(X(b))}" y1="30" y2="30"/>`,
    `<line class="interval" x1="${n(X(a))}" x2="${n(X(a))}" y1="22" y2="38"/>`,
    `<line class="interval" x1="${n(X(b))}" x2="${n(X(b))}" y1="22" y2="38"/>`,
    `<circle class="estimate ${esc(d.status ?? '')}" cx="${n(X(d.estimate))}" cy="30" r="6"/>`,
    `<text class="tick" x="${n(X(a))}" y="68" text-anchor="middle">${esc(formatNumber(lang, a))}</text>`,
    `<text class="tick" x="${n(X(b))}" y="68" text-anchor="middle">${esc(formatNumber(lang, b))}</text>`,
  );
  const label = `${name}: ${m.chart.estimate} ${formatNumber(lang, d.estimate)}, ${m.chart.interval} [${formatNumber(lang, a)}, ${formatNumber(lang, b)}]${d.status ? ` (${d.status})` : ''}`;
  return `<figure class="chart cmp"><figcaption>${esc(`${m.chart.comparison} — ${label}`)}</figcaption><svg viewBox="0 0 ${w} 76" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${g.join('')}</svg></figure>`;
}
