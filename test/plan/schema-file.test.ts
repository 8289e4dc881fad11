import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { planJsonSchema } from '../../src/cli/commands/schema.js';

describe('schema/plan.schema.json', () => {
  it('is the schema `rollout schema` prints (regenerate with `npm run schema`)', () => {
    const committed = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../schema/plan.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(planJsonSchema());
  });

  it('is what the example plans point their yaml-language-server modeline at', () => {
    for (const plan of ['prometheus-unleash.yaml', 'datadog-launchdarkly.yaml']) {
      const first = readFileSync(path.resolve(import.meta.dirname, '../../plans', plan), 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../schema/plan.schema.json');
    }
  });
});
