/** observe: asks the providers for what the gate needs. Failures become observations, never passes. */
import { judgedWindow, phaseCriteria } from '../gates/criteria.js';
import { parseDuration } from '../plan/duration.js';
import type { Observations } from '../gates/types.js';
import { stripControls, stripControlsValue } from '../sanitize.js';
import type { Plan } from '../plan/schema.js';
import type { Services } from './services.js';
import { renderTemplate, templateValues } from './template.js';

/**
 * `enteredAt` is when the current phase was entered (epoch ms): the judged window never starts before
 * it, except in a phase with traffic 0, which judges the baseline.
 */
export async function observe(args: {
  plan: Plan;
  phaseIndex: number;
  services: Services;
  now: number;
  enteredAt?: number | undefined;
}): Promise<Observations> {
  const { plan, services, now } = args;
  const phase = plan.phases[args.phaseIndex]!;
  const c = phaseCriteria(plan, phase);
  const { from, windowMs } = judgedWindow({ plan, phase, enteredAt: args.enteredAt, now });
  const values = templateValues(plan, { cohort: c.cohort, window: c.sloWindow });
  const metricsProviders = Object.keys(plan.providers.metrics);

  const metrics: Observations['metrics'] = {};
  await Promise.all(
    plan.metrics.map(async (m) => {
      const base = { cohort: c.cohort, from, to: now, windowMs };
      try {
        if (m.kind !== 'value') {
          metrics[m.name] = {
            ...base,
            error:
              m.kind === 'ratio'
                ? 'a ratio metric is judged on counts only with `compare` or `slo`'
                : 'a histogram metric is judged on its bucket counts only with `compare` or `slo`',
          };
          return;
        }
        const provider = await services.providers.metrics(m.provider ?? metricsProviders[0]!);
        const template = m.query ?? m.name;
        const query = renderTemplate(template, values);
        const intervalMs = m.interval ? parseDuration(m.interval) : undefined;
        metrics[m.name] = {
          ...base,
          series: await provider.query({
            metric: m.name,
            query,
            template,
            values,
            cohort: c.cohort,
            from,
            to: now,
            intervalMs,
          }),
        };
      } catch (e) {
        metrics[m.name] = { ...base, error: stripControls(services.redactor.text((e as Error).message)) };
      }
    }),
  );

  let incidents: Observations['incidents'];
  if (c.noOpenIncidents) {
    try {
      const all = await services.providers.incidents();
      const lists = await Promise.all(all.map((p) => p.provider.open({ now })));
      // titles and ids are provider text
      incidents = { list: stripControlsValue(lists.flat()) };
    } catch (e) {
      incidents = { error: stripControls(services.redactor.text((e as Error).message)) };
    }
  }
  return { metrics, incidents };
}
