// Cost benchmark for bench/stats.mjs: judging 20 comparisons (12 ratio, 4 latency exceedance on
// 12-bucket histograms, 4 SLO checks) at every minute of 72 hours (4320 looks) of cumulative data.
// Measures the pure part only (judgeGate), not the providers.

const LES = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, Number.POSITIVE_INFINITY];
// share of requests at or below each bound (a plausible latency shape)
const CDF = [0.02, 0.08, 0.3, 0.55, 0.78, 0.93, 0.975, 0.992, 0.998, 0.9995, 0.9999, 1];

function histogram(total, slower) {
  return LES.map((le, i) => ({ le, count: Math.floor(total * (1 - (1 - CDF[i]) * slower)) }));
}

/** The 20 comparisons of one look, at minute m, from smooth cumulative counts. */
function comparisonsAt(stats, m) {
  const canaryUsers = 167 * m;
  const controlUsers = 500 * m;
  const list = [];
  for (let k = 0; k < 12; k++) {
    const rate = 0.01 + 0.002 * k;
    list.push({
      kind: 'ratio',
      name: `ratio-${k}`,
      better: k % 2 ? 'higher' : 'lower',
      canary: { events: Math.round(canaryUsers * rate), total: canaryUsers },
      control: { events: Math.round(controlUsers * rate), total: controlUsers },
      passMargin: stats.parseMargin('10%'),
      tau: { baselineRate: rate, horizon: { canary: 167 * 2160, control: 500 * 2160 } },
    });
  }
  for (const threshold of [100, 250, 500, 1000]) {
    list.push({
      kind: 'exceedance',
      name: `slow>${threshold}`,
      threshold,
      canary: histogram(canaryUsers * 5, 1.02),
      control: histogram(controlUsers * 5, 1),
      passMargin: { kind: 'absolute', value: 0.005 },
      tau: { tau2: 2e-6 },
    });
  }
  for (const [k, limit] of [0.005, 0.01, 0.02, 0.05].entries()) {
    list.push({
      kind: 'slo',
      name: `slo-${k}`,
      limit: { below: limit },
      canary: { events: Math.round(canaryUsers * limit * 0.6), total: canaryUsers },
      tau: { horizon: 167 * 2160 },
    });
  }
  return list;
}

/** Times judgeGate over 4320 one-minute looks; returns { looks, comparisons, totalMs, perLookUs, buildMs }. */
export function costBenchmark(stats) {
  const looks = 72 * 60;
  const t0 = performance.now();
  const inputs = [];
  for (let m = 1; m <= looks; m++) inputs.push(comparisonsAt(stats, m));
  const buildMs = performance.now() - t0;
  let memory;
  let statuses = 0;
  const t1 = performance.now();
  for (let m = 1; m <= looks; m++) {
    const r = stats.judgeGate({
      comparisons: inputs[m - 1],
      exposure: { canary: 167 * m, control: 500 * m },
      canaryShare: 0.25,
      elapsedHours: m / 60,
      memory,
    });
    memory = r.memory;
    statuses += r.comparisons.length;
  }
  const totalMs = performance.now() - t1;
  return { looks, comparisons: statuses / looks, totalMs, perLookUs: (totalMs * 1000) / looks, buildMs };
}
