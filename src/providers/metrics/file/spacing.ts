/**
 * How often one series is sampled over the whole file: the median time between its consecutive
 * distinct timestamps, measured as the rows stream by without keeping every timestamp.
 *
 * Rows in time order (the usual file) are kept as runs of equal spacing: `start, start + step, …,
 * end`, so a regularly sampled series costs one run whatever its length, and a gap or a change of
 * rhythm one more. Duplicates (a time already seen) add nothing, as before. The first row older
 * than the series' last one switches that series to an exact list: the runs are expanded back into
 * the timestamps they stand for and every later row is appended, then sorted once at the end, so an
 * out-of-order file gets exactly the figure a full sort gives.
 */

/** Median of a list of numbers, without spreading it into arguments (a file may hold millions of rows). */
export function median(xs: ArrayLike<number>): number | undefined {
  if (xs.length === 0) return undefined;
  const s = Float64Array.from(xs).sort();
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export class SpacingTracker {
  // runs in time order: run i holds count[i] times, start[i] + k × step[i], ending at end[i]
  private readonly start: number[] = [];
  private readonly step: number[] = [];
  private readonly count: number[] = [];
  private readonly end: number[] = [];
  /** every timestamp, once the series went out of order */
  private exact: Float64Array | undefined;
  private size = 0;

  add(t: number): void {
    if (this.exact) {
      this.push(t);
      return;
    }
    const i = this.end.length - 1;
    const end = this.end[i];
    if (end === undefined || t > end) this.append(i, t);
    else if (t < end) this.goExact(t);
    // t === end: a duplicate adds no spacing
  }

  private append(i: number, t: number): void {
    if (i >= 0 && this.count[i] === 1) {
      this.step[i] = t - this.end[i]!;
      this.count[i] = 2;
      this.end[i] = t;
    } else if (i >= 0 && t - this.end[i]! === this.step[i]) {
      this.count[i]!++;
      this.end[i] = t;
    } else this.open(t);
  }

  /** The median spacing between consecutive distinct times, or undefined with fewer than two. */
  spacing(): number | undefined {
    if (this.exact) {
      const sorted = this.exact.subarray(0, this.size).sort();
      const gaps: number[] = [];
      for (let i = 1; i < sorted.length; i++) {
        const d = sorted[i]! - sorted[i - 1]!;
        if (d > 0) gaps.push(d);
      }
      return median(gaps);
    }
    // every gap with its multiplicity: each run's own step, and one gap between consecutive runs
    const gaps: [gap: number, times: number][] = [];
    for (let i = 0; i < this.end.length; i++) {
      if (this.count[i]! > 1) gaps.push([this.step[i]!, this.count[i]! - 1]);
      if (i > 0) gaps.push([this.start[i]! - this.end[i - 1]!, 1]);
    }
    const n = gaps.reduce((s, g) => s + g[1], 0);
    if (n === 0) return undefined;
    gaps.sort((a, b) => a[0] - b[0]);
    const at = (k: number): number => {
      for (const [gap, times] of gaps) {
        if (k < times) return gap;
        k -= times;
      }
      return Number.NaN; // k < n: never reached
    };
    const m = Math.floor(n / 2);
    return n % 2 ? at(m) : (at(m - 1) + at(m)) / 2;
  }

  private open(t: number): void {
    this.start.push(t);
    this.step.push(0);
    this.count.push(1);
    this.end.push(t);
  }

  private goExact(t: number): void {
    const total = this.count.reduce((s, c) => s + c, 0);
    this.exact = new Float64Array(Math.max(16, total * 2));
    for (let i = 0; i < this.end.length; i++) {
      for (let k = 0; k < this.count[i]! - 1; k++) this.push(this.start[i]! + k * this.step[i]!);
      this.push(this.end[i]!); // the run's last time as read, not as recomputed
    }
    this.start.length = this.step.length = this.count.length = this.end.length = 0;
    this.push(t);
  }

  private push(t: number): void {
    if (this.size === this.exact!.length) {
      const grown = new Float64Array(this.size * 2);
      grown.set(this.exact!);
      this.exact = grown;
    }
    this.exact![this.size++] = t;
  }
}
