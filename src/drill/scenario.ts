/**
 * A drill (the seed's hands-on sessions for support): the team's plan, made harmless, run against a
 * scenario on a simulated clock. Pure: the plan in; the drill's plan, its metrics data and its script
 * out. The drill's plan keeps the phases, audiences, SLOs, contingency and rollback of the real one,
 * but every provider becomes a file in the scratch folder, no notification is sent, and no command
 * runs: a `run:` becomes a manual step that says what it would have run.
 */
import { parseDuration } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';

export const SCENARIOS = ['latency', 'errors', 'incident'] as const;
export type Scenario = (typeof SCENARIOS)[number];

type Metric = Plan['metrics'][number];
type Bound = { below?: number | undefined; above?: number | undefined };

export interface DrillPlan {
  /** the plan document to write as YAML in the scratch folder */
  doc: Record<string, unknown>;
  /** what the drill leaves out, said to the trainee */
  left: string[];
  /** the value metrics the drill generates data for */
  metrics: Metric[];
}

const STEP_MS = 5 * 60_000;
const H = 3_600_000;

export function drillPlan(plan: Plan): DrillPlan {
  const left: string[] = [];
  const metrics = plan.metrics.filter((m) => {
    const counts = m.numerator !== undefined || m.denominator !== undefined || m.compare !== undefined;
    if (counts) left.push(`${m.name}: a comparison against control (the drill generates values, not counts)`);
    return !counts;
  });
  for (const [role, specs] of Object.entries(plan.providers))
    if (role !== 'notifications')
      for (const [name, spec] of Object.entries(specs))
        if (spec.type !== 'file')
          left.push(`${role} provider ${name} (${spec.type}): a file in the scratch folder instead`);
  const notifications = Object.keys(plan.providers.notifications);
  if (notifications.length) left.push(`notifications (${notifications.join(', ')}): printed, never sent`);
  const names = (a: { approvers: (string | { name: string })[]; required: number } | undefined) =>
    a && { required: a.required, approvers: a.approvers.map((x) => (typeof x === 'string' ? x : x.name)) };
  const advance = (a: Plan['advance'] | undefined) =>
    a && { ...a, ...(a.approvals ? { approvals: names(a.approvals) } : {}) };
  const doc: Record<string, unknown> = {
    version: 1,
    name: plan.name,
    title: `${plan.title ?? plan.name} (drill)`,
    ...(plan.owner ? { owner: plan.owner } : {}),
    ...(plan.service ? { service: plan.service } : {}),
    strategy: plan.strategy,
    flag: { provider: 'drill', key: plan.flag.key },
    providers: {
      flags: { drill: { type: 'file', path: '.rollout/flags.json' } },
      metrics: { drill: { type: 'file', path: 'data/drill-metrics.csv', interval: '5m' } },
      incidents: { drill: { type: 'file', path: '.rollout/incidents.json' } },
    },
    state: { backend: 'file', dir: '.rollout' },
    audiences: plan.audiences,
    metrics: metrics.map((m) => ({
      name: m.name,
      category: m.category,
      query: m.name,
      ...(m.unit ? { unit: m.unit } : {}),
      ...(m.slo ? { slo: m.slo } : {}),
      ...(m.severe ? { severe: m.severe } : {}),
      onBreach: m.onBreach,
      onNoData: m.onNoData,
    })),
    phases: plan.phases.map((p) => ({
      name: p.name,
      traffic: p.traffic,
      ...(p.audience ? { audience: p.audience } : {}),
      ...(p.minDuration ? { minDuration: p.minDuration } : {}),
      checklist: p.checklist.map((it) => (typeof it === 'string' ? it : it.text)),
      ...(p.advance ? { advance: advance(p.advance) } : {}),
    })),
    advance: advance(plan.advance),
    contingency: plan.contingency,
    rollback: plan.rollback.map((s) => ({
      component: s.component,
      procedure: s.run
        ? `${s.procedure} (a real rollback runs: ${s.run.replace(/\$\{([^}]*)\}/g, '<$1>')})`
        : s.procedure,
      ...(s.action === 'flag' ? { action: 'flag' } : { manual: true }),
      ...(s.estimate ? { estimate: s.estimate } : {}),
    })),
    stakeholders: plan.stakeholders.map(({ notify: _n, ...s }) => s),
    reports: { dir: 'reports', formats: ['md'] },
  };
  return { doc, left, metrics };
}

/** A value well inside the SLO (or any value for a reported metric). */
export function healthy(slo: Bound | undefined): number {
  if (!slo) return 1;
  if (slo.below !== undefined && slo.above !== undefined) return (slo.below + slo.above) / 2;
  if (slo.below !== undefined) return slo.below > 0 ? slo.below * 0.6 : slo.below - 1;
  return slo.above! > 0 ? slo.above! * 1.5 : slo.above! + 1;
}

/** A value beyond the severe bound when there is one, else beyond the SLO. */
export function breaching(m: Metric): number {
  const b = m.severe ?? m.slo ?? {};
  if (b.below !== undefined) return b.below > 0 ? b.below * 1.25 : b.below + 1;
  if (b.above !== undefined) return b.above > 0 ? b.above * 0.5 : b.above - 1;
  return 1;
}

/** The metric a scenario breaks: latency or errors by name, else the first with an SLO. */
export function targetOf(metrics: Metric[], scenario: Scenario): Metric | undefined {
  if (scenario === 'incident') return undefined;
  const gating = metrics.filter((m) => m.slo);
  const word = scenario === 'latency' ? /latenc|duration|p9\d/i : /error|fail/i;
  return gating.find((m) => word.test(m.name)) ?? gating[0];
}

/** How long the drill's data must last: every phase's soak and window, twice, and a day before. */
export function horizonMs(plan: Plan): number {
  const windowMs = parseDuration(plan.advance.sloWindow ?? '1h') ?? H;
  const soak = plan.phases.reduce((a, p) => a + (parseDuration(p.minDuration ?? '0m') ?? 0), 0);
  return 2 * (soak + windowMs * plan.phases.length) + windowMs;
}

/**
 * The metrics CSV (contract §7) from `from` to `to` every 5 minutes, canary and control, healthy;
 * with `breach`, the canary's values of one metric are beyond its bound from `breach.at` on.
 */
export function drillMetrics(
  metrics: Metric[],
  from: number,
  to: number,
  breach?: { metric: string; at: number; value: number },
): string {
  const lines = ['timestamp,metric,cohort,value'];
  const start = Math.floor(from / STEP_MS) * STEP_MS;
  for (let t = start; t <= to; t += STEP_MS) {
    const at = new Date(t).toISOString();
    for (const m of metrics) {
      const base = healthy(m.slo);
      const canary = breach && breach.metric === m.name && t >= breach.at ? breach.value : base * 1.02;
      lines.push(`${at},${m.name},control,${round(base)}`, `${at},${m.name},canary,${round(canary)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const round = (v: number): string => String(Math.round(v * 1000) / 1000);
