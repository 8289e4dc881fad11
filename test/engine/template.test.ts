import { describe, expect, test } from '@jest/globals';
import { renderTemplate, templateValues } from '../../src/engine/template.js';
import { buildPlan } from '../helpers/builders.js';

const plan = buildPlan({
  service: 'checkout',
  flag: { key: 'checkout-v2' },
  variables: { env: 'prod', quantile: 0.95 as unknown as string },
});
const values = templateValues(plan, { cohort: 'canary', window: '24h' });

describe('templateValues', () => {
  test('cohort, window, service, flag and the variables (bare and qualified)', () => {
    expect(values).toEqual({
      cohort: 'canary',
      window: '24h',
      service: 'checkout',
      flag: 'checkout-v2',
      env: 'prod',
      'variables.env': 'prod',
      quantile: '0.95',
      'variables.quantile': '0.95',
    });
  });

  test('service falls back to the plan name', () => {
    const p = buildPlan({ service: undefined });
    expect(templateValues(p, { cohort: 'control', window: '1h' }).service).toBe('demo');
  });

  test('the built-in names win over variables of the same name', () => {
    const p = buildPlan({ variables: { cohort: 'nope', window: 'nope' } });
    expect(templateValues(p, { cohort: 'control', window: '6h' })).toMatchObject({
      cohort: 'control',
      window: '6h',
      'variables.cohort': 'nope',
    });
  });
});

describe('renderTemplate', () => {
  test.each([
    [
      'histogram_quantile(0.95, rate(http_latency{service="{{service}}",cohort="{{cohort}}"}[{{window}}]))',
      'histogram_quantile(0.95, rate(http_latency{service="checkout",cohort="canary"}[24h]))',
    ],
    ['flag={{flag}} env={{ env }} env2={{variables.env}}', 'flag=checkout-v2 env=prod env2=prod'],
    ['q{{quantile}}', 'q0.95'],
    ['latency_p95', 'latency_p95'],
    ['{{cohort}}{{cohort}}', 'canarycanary'],
    ['{ not a template } {{', '{ not a template } {{'],
  ])('%s', (template, want) => {
    expect(renderTemplate(template, values)).toBe(want);
  });

  test('an unknown name throws, naming it and the known ones', () => {
    expect(() => renderTemplate('rate(x{cohort="{{cohrt}}"}[5m])', values)).toThrow(
      'unknown template value {{cohrt}}; known: env, quantile, service, flag, cohort, window',
    );
  });

  test('an unknown qualified variable throws too', () => {
    expect(() => renderTemplate('{{variables.region}}', values)).toThrow(/\{\{variables\.region\}\}/);
  });
});
