import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { validatePlan } from '../helpers/validate-plan.js';

describe('the plan example in the README', () => {
  it('is a valid plan', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const start = readme.indexOf('```yaml\n# yaml-language-server');
    expect(start).toBeGreaterThan(0);
    const text = readme.slice(start + '```yaml\n'.length, readme.indexOf('```', start + 8));
    const r = validatePlan(text, { LD_API_TOKEN: 'token-1234', SLACK_WEBHOOK_URL: 'https://hooks.example/T/B/x' });
    expect(r.errors).toEqual([]);
    expect(r.value?.plan.name).toBe('checkout-v3');
  });
});
