// Simulation pieces for bench/stats.mjs: a seeded PRNG, binomial sampling, one simulated phase
// judged by the built gate (dist/stats) every 10 minutes.
//
// Sampling: assignment of users to the canary is Binomial(users per look, f) drawn with the
// normal approximation (n ≈ 6667, f = 0.25: mean 1667, sd 35; rounding error is negligible);
// conversions are EXACT Binomial(n, p) draws by the waiting-time method (Devroye: sum geometric
// gaps until they pass n), whose cost is about n·p per draw.

/** mulberry32: a small seeded 32-bit PRNG; returns uniforms in (0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(rand) {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

/** Exact Binomial(n, p) for small p by geometric waiting times. */
export function binomialExact(rand, n, p) {
  if (p <= 0 || n <= 0) return 0;
  const lq = Math.log1p(-p);
  let count = 0;
  let pos = 0;
  for (;;) {
    pos += Math.floor(Math.log(rand()) / lq) + 1;
    if (pos > n) return count;
    count++;
  }
}

/** Binomial(n, p) by the normal approximation, rounded and clamped to [0, n]. */
export function binomialNormal(rand, n, p) {
  const x = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(rand));
  return Math.min(n, Math.max(0, x));
}

/**
 * Simulates one phase: `looks` checks `minutes` apart, `usersPerHour` arriving, share `share` on
 * the canary, conversion rates pC (control) and pT (canary). At every look the gate judges the
 * cumulative counts (with its memory, as the CLI would) and a repeated fixed-horizon z-test is
 * read from the same result. Returns the first look (1-based) at which each fired, or 0.
 */
export function simulatePhase({ stats, seed, looks, minutes, usersPerHour, share, pC, pT, comparison, analysis }) {
  const rand = prng(seed);
  const perLook = Math.round((usersPerHour * minutes) / 60);
  const t = { events: 0, total: 0 };
  const c = { events: 0, total: 0 };
  let memory;
  const first = { gateFail: 0, gatePass: 0, zHarm: 0, zEither: 0, srm: 0 };
  for (let i = 1; i <= looks; i++) {
    const nT = binomialNormal(rand, perLook, share);
    const nC = perLook - nT;
    t.total += nT;
    c.total += nC;
    t.events += binomialExact(rand, nT, pT);
    c.events += binomialExact(rand, nC, pC);
    const r = stats.judgeGate({
      comparisons: [{ ...comparison, canary: { ...t }, control: { ...c } }],
      analysis,
      exposure: { canary: t.total, control: c.total },
      canaryShare: share,
      elapsedHours: (i * minutes) / 60,
      memory,
    });
    memory = r.memory;
    const res = r.comparisons[0];
    if (!first.gateFail && res.status === 'fail') first.gateFail = i;
    if (!first.gatePass && res.status === 'pass') first.gatePass = i;
    if (!first.srm && r.srm.status === 'mismatch') first.srm = i;
    const z = res.fixedHorizon?.z;
    const harmZ = comparison.better === 'higher' ? -z : z;
    if (!first.zHarm && z != null && harmZ > 1.959963984540054) first.zHarm = i;
    if (!first.zEither && z != null && Math.abs(z) > 1.959963984540054) first.zEither = i;
  }
  return first;
}

/** Median of a list of numbers (undefined when empty). */
export function median(xs) {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
