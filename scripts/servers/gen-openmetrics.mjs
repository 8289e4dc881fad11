#!/usr/bin/env node
// Synthetic OpenMetrics history for the rollout test Prometheus (`promtool tsdb create-blocks-from openmetrics`).
//
// Usage: node gen-openmetrics.mjs --end <unix-seconds> [--hours 72] [--step 60] [--out FILE]
//   --end is aligned down to --step. Output is deterministic for given arguments (seeded PRNG).
//   Without --out the file goes to stdout. A one-line summary goes to stderr.
//
// SCENARIO (all times relative to END = --end, which scripts/servers/up.sh exports as ROLLOUT_TEST_PROM_END)
//   Span: END-72h .. END, one sample every 60 s => 4321 samples per series.
//   Labels: service, cohort ("canary" | "control"); http_requests_total also has code ("200" | "500").
//
//   service="recommendations"  (control ~95 %, canary ~5 % of ~20000 req/min)
//     http_requests_total, http_request_duration_seconds (histogram), recs_shown_total, recs_accepted_total
//     control, whole span:        p95 ≈ 0.24 s, error ratio ≈ 0.3 %, acceptance ≈ 12 %
//     canary, healthy (default):  p95 ≈ 0.24 s, error ratio ≈ 0.3 %, acceptance ≈ 13 %
//     canary, LATENCY REGRESSION: every sample with END-30h < t <= END-26h carries slow requests
//                                 (p95 ≈ 0.9 s, median ≈ 0.29 s); errors and acceptance unchanged.
//       With rate(...[5m]) the canary p95 is ≈ 0.9 s for evaluation times in [END-30h+5m, END-26h]
//       and ≈ 0.24 s for t <= END-30h and t >= END-26h+5m (the 5 min after each edge are mixed).
//       So a "p95 < 500 ms" gate fails over any window that overlaps [END-30h+5m, END-26h] and passes
//       over, e.g., [END-24h, END] or [END-72h, END-31h].
//
//   service="checkout"  (control ~90 %, canary ~10 % of ~12000 req/min)
//     http_requests_total, http_request_duration_seconds (histogram); no recs_* series
//     both cohorts healthy for the whole span: p95 ≈ 0.24 s, error ratio ≈ 0.3 %
//
// Counts are generated from cumulative expectations rounded once (error diffusion), so error ratios and
// bucket shares are accurate even over 5 min windows: no Poisson noise, only a ±10 % per-sample jitter
// on the error rate and ±5 % on the latency median, plus a diurnal traffic cycle.
// Histogram buckets (le): 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 +Inf (Prometheus defaults).
//
// Format rules promtool enforces: timestamps in SECONDS; last line "# EOF"; each family contiguous;
// each series in strictly increasing time order. 64 series in total.
import { createWriteStream } from 'node:fs';

const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith('--')) continue;
  const [k, v] = a.includes('=')
    ? [a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
    : [a.slice(2), process.argv[++i]];
  args[k] = v;
}
const hours = Number(args.hours ?? 72);
const step = Number(args.step ?? 60);
if (!(hours > 0) || !(step > 0)) throw new Error('--hours and --step must be positive numbers');
const end = Math.floor(Number(args.end ?? Math.floor(Date.now() / 1000) - step) / step) * step;
if (!Number.isFinite(end)) throw new Error('--end must be a unix time in seconds');

const H = 3600;
const SCENARIO = {
  regression: { service: 'recommendations', cohort: 'canary', from: end - 30 * H, to: end - 26 * H },
};

const n = Math.floor((hours * H) / step) + 1;
const start = end - (n - 1) * step;

// mulberry32, deterministic
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(end ^ 0x5eed);
const jitter = (x, frac) => x * (1 + (rand() * 2 - 1) * frac);

const les = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
function erf(x) {
  const s = Math.sign(x);
  x = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}
const lognCdf = (x, m, s) => 0.5 * (1 + erf(Math.log(x / m) / (s * Math.SQRT2)));

// Latency: log-normal. median 0.08 s, sigma 0.6 => histogram_quantile(0.95) ≈ 0.240 s;
// median 0.285 s, sigma 0.6 => ≈ 0.90 s (bucket interpolation included).
const HEALTHY = { median: 0.08, sigma: 0.6 };
const SLOW = { median: 0.285, sigma: 0.6 };
const ERR = 0.003;

const services = [
  {
    name: 'recommendations',
    reqPerMin: 20000,
    recs: true,
    cohorts: {
      canary: {
        share: 0.05,
        accept: 0.13,
        latency: (t) => (t > SCENARIO.regression.from && t <= SCENARIO.regression.to ? SLOW : HEALTHY),
      },
      control: { share: 0.95, accept: 0.12, latency: () => HEALTHY },
    },
  },
  {
    name: 'checkout',
    reqPerMin: 12000,
    recs: false,
    cohorts: {
      canary: { share: 0.1, latency: () => HEALTHY },
      control: { share: 0.9, latency: () => HEALTHY },
    },
  },
];

function simulate(svc, c) {
  const st = { ok: [], err: [], buckets: les.map(() => []), inf: [], sum: [], shown: [], accepted: [] };
  let total = 0,
    errExp = 0,
    sum = 0,
    shownExp = 0,
    accExp = 0;
  const bucketExp = les.map(() => 0);
  for (let i = 0; i < n; i++) {
    const t = start + i * step;
    const hourOfDay = (t % 86400) / H;
    const diurnal = 1 + 0.4 * Math.sin(((hourOfDay - 6) / 24) * 2 * Math.PI);
    const req = i === 0 ? 0 : Math.max(1, Math.round(jitter(svc.reqPerMin * (step / 60) * diurnal * c.share, 0.05)));
    total += req;
    errExp += req * jitter(ERR, 0.1);
    const err = Math.min(total, Math.round(errExp));
    const lat = c.latency(t);
    const median = jitter(lat.median, 0.05);
    les.forEach((le, b) => {
      bucketExp[b] += req * lognCdf(le, median, lat.sigma);
    });
    sum += req * median * Math.exp((lat.sigma * lat.sigma) / 2);
    st.ok.push(total - err);
    st.err.push(err);
    st.inf.push(total);
    st.sum.push(sum);
    // cumulative rounding keeps buckets monotonic in le and over time, and <= +Inf
    les.forEach((_, b) => {
      st.buckets[b].push(Math.min(total, Math.round(bucketExp[b])));
    });
    if (svc.recs) {
      shownExp += req * 0.8;
      accExp += req * 0.8 * jitter(c.accept, 0.05);
      st.shown.push(Math.round(shownExp));
      st.accepted.push(Math.min(Math.round(shownExp), Math.round(accExp)));
    }
  }
  return st;
}

const state = new Map();
for (const svc of services)
  for (const [cohort, c] of Object.entries(svc.cohorts)) state.set(`${svc.name}/${cohort}`, simulate(svc, c));

const out = args.out ? createWriteStream(args.out) : process.stdout;
let buf = [];
const flush = () => {
  if (buf.length) {
    out.write(buf.join(''));
    buf = [];
  }
};
const w = (line) => {
  buf.push(`${line}\n`);
  if (buf.length > 5000) flush();
};
const lbl = (svc, cohort, extra = '') => `{service="${svc}",cohort="${cohort}"${extra}}`;
const ts = (i) => start + i * step;
let series = 0;
const each = (fn) => {
  for (const svc of services)
    for (const cohort of Object.keys(svc.cohorts)) fn(svc, cohort, state.get(`${svc.name}/${cohort}`));
};

w('# HELP http_requests Total HTTP requests.');
w('# TYPE http_requests counter');
each((svc, cohort, st) => {
  for (const [code, key] of [
    ['200', 'ok'],
    ['500', 'err'],
  ]) {
    series++;
    for (let i = 0; i < n; i++)
      w(`http_requests_total${lbl(svc.name, cohort, `,code="${code}"`)} ${st[key][i]} ${ts(i)}`);
  }
});
w('# HELP http_request_duration_seconds HTTP request latency.');
w('# TYPE http_request_duration_seconds histogram');
w('# UNIT http_request_duration_seconds seconds');
each((svc, cohort, st) => {
  series += les.length + 3;
  for (let i = 0; i < n; i++) {
    les.forEach((le, b) => {
      w(`http_request_duration_seconds_bucket${lbl(svc.name, cohort, `,le="${le}"`)} ${st.buckets[b][i]} ${ts(i)}`);
    });
    w(`http_request_duration_seconds_bucket${lbl(svc.name, cohort, ',le="+Inf"')} ${st.inf[i]} ${ts(i)}`);
    w(`http_request_duration_seconds_count${lbl(svc.name, cohort)} ${st.inf[i]} ${ts(i)}`);
    w(`http_request_duration_seconds_sum${lbl(svc.name, cohort)} ${st.sum[i].toFixed(3)} ${ts(i)}`);
  }
});
for (const [fam, key] of [
  ['recs_shown', 'shown'],
  ['recs_accepted', 'accepted'],
]) {
  w(`# HELP ${fam} Recommendations ${key}.`);
  w(`# TYPE ${fam} counter`);
  each((svc, cohort, st) => {
    if (!svc.recs) return;
    series++;
    for (let i = 0; i < n; i++) w(`${fam}_total${lbl(svc.name, cohort)} ${st[key][i]} ${ts(i)}`);
  });
}
w('# EOF');
flush();
const iso = (s) => new Date(s * 1000).toISOString();
const r = SCENARIO.regression;
const done = () =>
  process.stderr.write(
    `gen-openmetrics: ${series} series x ${n} points, ${iso(start)} .. ${iso(end)} (end=${end}); ` +
      `${r.service} ${r.cohort} latency regression ${iso(r.from)} .. ${iso(r.to)}\n`,
  );
if (out !== process.stdout) out.end(done);
else done();
