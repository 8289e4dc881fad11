/**
 * `rollout doctor PLAN`: can every provider be reached with its credentials, and does every metric
 * query return data that covers the gate window? Exit 1 when anything would stop a gate from
 * passing for a reason other than the feature itself (an error, empty or partial data).
 */
import { phaseCriteria } from '../../gates/criteria.js';
import { evaluateMetric } from '../../gates/evaluate-metric.js';
import { parseDuration } from '../../plan/duration.js';
import { loadState } from '../../engine/session.js';
import { renderTemplate, templateValues } from '../../engine/template.js';
import { redact } from '../../redact.js';
import type { GlobalOptions } from '../io.js';
import { renderTable } from '../render.js';
import { prepare } from './common.js';

interface Finding {
  provider: string;
  role: string;
  check: string;
  ok: boolean;
  detail: string;
}

export async function doctorCommand(
  planFile: string | undefined,
  _opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'doctor');
  const { plan } = loaded;
  const state = await loadState(plan, services);
  const phase = plan.phases[state.phaseIndex]!;
  const c = phaseCriteria(plan, phase);
  const now = services.clock.now();
  const findings: Finding[] = [];
  const attempt = async (f: Omit<Finding, 'ok' | 'detail'>, fn: () => Promise<string>) => {
    try {
      findings.push({ ...f, ok: true, detail: await fn() });
    } catch (e) {
      findings.push({ ...f, ok: false, detail: `unreachable: ${redact((e as Error).message)}` });
    }
  };

  await attempt(
    { provider: services.providers.flagName, role: 'flags', check: `read flag ${plan.flag.key}` },
    async () => {
      const s = await (await services.providers.flags()).read({ flag: plan.flag.key });
      // Before the rollout starts the tool creates the flag file; after, a missing one is lost state.
      if (s.detail?.['fileMissing'] === true && state.status !== 'not-started')
        throw new Error(`the flag file does not exist, though the rollout "${plan.name}" is at ${state.traffic}%`);
      return `reachable; serves ${Number.isNaN(s.traffic) ? 'an unknown share' : `${s.traffic}%`}${s.audience ? ` of ${s.audience}` : ''}${s.enabled ? '' : ' (off)'}`;
    },
  );

  const values = templateValues(plan, { cohort: c.cohort, window: c.sloWindow });
  for (const m of plan.metrics) {
    const provider = m.provider ?? Object.keys(plan.providers.metrics)[0]!;
    const f = { provider, role: 'metrics', check: `${m.name} (${c.cohort}, last ${c.sloWindow})` };
    if (m.kind !== 'value') {
      findings.push({ ...f, ok: false, detail: `${m.kind} metrics need the comparison engine, not in this version` });
      continue;
    }
    try {
      const intervalMs = m.interval ? parseDuration(m.interval) : undefined;
      const series = await (await services.providers.metrics(provider)).query({
        metric: m.name,
        query: renderTemplate(m.query ?? m.name, values),
        template: m.query ?? m.name,
        values,
        cohort: c.cohort,
        from: now - c.sloWindowMs,
        to: now,
        intervalMs,
      });
      // Judge coverage only: a metric with a breach but full data is healthy for the doctor.
      const coverage = evaluateMetric({
        metric: { ...m, slo: undefined, onNoData: 'hold' },
        observation: { cohort: c.cohort, from: now - c.sloWindowMs, to: now, series },
        windowLabel: c.sloWindow,
      });
      findings.push({
        ...f,
        ok: coverage.verdict === 'pass',
        detail: coverage.verdict === 'pass' ? `${series.points.length} points cover the window` : coverage.detail,
      });
    } catch (e) {
      findings.push({ ...f, ok: false, detail: redact((e as Error).message) });
    }
  }

  for (const name of Object.keys(plan.providers.incidents)) {
    await attempt({ provider: name, role: 'incidents', check: 'list open incidents' }, async () => {
      const all = await services.providers.incidents();
      const list = await all.find((p) => p.name === name)!.provider.open({ now });
      return `reachable; ${list.length} open`;
    });
  }
  for (const name of Object.keys(plan.providers.notifications)) {
    await attempt({ provider: name, role: 'notifications', check: 'configured' }, async () => {
      await services.providers.notifier(name);
      return 'configured (no message sent)';
    });
  }

  const bad = findings.filter((f) => !f.ok);
  if (global.json) io.json({ plan: plan.name, phase: phase.name, ok: bad.length === 0, findings });
  else {
    io.out(
      renderTable(
        ['provider', 'role', 'check', 'result', 'detail'],
        findings.map((f) => [
          f.provider,
          f.role,
          f.check,
          f.ok ? io.style.green('ok') : io.style.red('PROBLEM'),
          f.detail,
        ]),
        io.style,
      ),
    );
    io.out(
      bad.length === 0
        ? io.style.green('\nall providers answer and every metric covers the gate window')
        : io.style.red(`\n${bad.length} problem(s) would stop a gate from passing`),
    );
  }
  return bad.length === 0 ? 0 : 1;
}
