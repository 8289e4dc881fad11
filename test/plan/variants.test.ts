/** flag.variants and contingency serve: validated with their place in the file and how to fix them. */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { validatePlan } from '../helpers/validate-plan.js';

const REFERENCE = readFileSync(new URL('../../plans/recommendations.yaml', import.meta.url), 'utf8');

function plan(variants: string, light: string): string {
  return REFERENCE.replace(
    '  key: recommendations-v2\n',
    `  key: recommendations-v2\n  variants:\n${variants}`,
  ).replace('  light: { action: hold }', `  light: ${light}`);
}
const OBJECTS = '    on: { maxItems: 10 }\n    conservative: { maxItems: 5 }\n    off: { maxItems: 0 }\n';

describe('flag variants and the light contingency serving one', () => {
  test('a variant of the plan, served by adjust-flags, validates', () => {
    const r = validatePlan(plan(OBJECTS, '{ action: adjust-flags, serve: conservative }'), {});
    expect(r.errors).toEqual([]);
    expect(r.value?.plan.flag.variants?.['conservative']).toEqual({ maxItems: 5 });
  });

  test.each([
    [
      'an unknown variant',
      OBJECTS,
      '{ action: adjust-flags, serve: conservativ }',
      /no flag variant named "conservativ"/,
    ],
    ['off', OBJECTS, '{ action: adjust-flags, serve: off }', /"off" is not one/],
    ['on', OBJECTS, '{ action: adjust-flags, serve: on }', /"on" is not one/],
    [
      'serve on another action',
      OBJECTS,
      '{ action: hold, serve: conservative }',
      /serve is for the action adjust-flags/,
    ],
    [
      'values of mixed types',
      '    on: true\n    conservative: { maxItems: 5 }\n',
      '{ action: adjust-flags, serve: conservative }',
      /one type/,
    ],
    [
      'objects without off',
      '    on: { maxItems: 10 }\n    conservative: { maxItems: 5 }\n',
      '{ action: adjust-flags, serve: conservative }',
      /the variant "off" needs its value too/,
    ],
  ])('%s is refused at its place', (_, variants, light, message) => {
    const r = validatePlan(plan(variants, light), {});
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(message);
    for (const e of r.errors) expect(e.line).toBeGreaterThan(0);
  });
});
