import { describe, expect, test } from '@jest/globals';
import { formatIssue, formatPath, type PlanIssue } from '../../src/plan/issues.js';
import { checklistId } from '../../src/plan/rules.js';
import { KNOWN_KEYS } from '../../src/plan/known-keys.js';
import { didYouMean } from '../../src/plan/suggest.js';

describe('formatPath', () => {
  test.each<[(string | number)[], string]>([
    [[], ''],
    [['name'], 'name'],
    [['phases', 2, 'traffic'], 'phases[2].traffic'],
    [['stakeholders', 0, 'notify', 1], 'stakeholders[0].notify[1]'],
    [['providers', 'flags', 'ld', 'token'], 'providers.flags.ld.token'],
  ])('%j → %j', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('formatIssue', () => {
  const issue = (over: Partial<PlanIssue>): PlanIssue => ({
    severity: 'error',
    path: 'phases[2].traffic',
    message: 'traffic 10 is lower',
    line: 40,
    column: 14,
    ...over,
  });
  test.each<[Partial<PlanIssue>, string]>([
    [{}, 'plan.yaml:40:14 phases[2].traffic: traffic 10 is lower'],
    [{ hint: 'raise it' }, 'plan.yaml:40:14 phases[2].traffic: traffic 10 is lower (raise it)'],
    [
      { severity: 'warning', path: 'providers.flags.u.token', message: 'literal' },
      'plan.yaml:40:14 warning: providers.flags.u.token: literal',
    ],
    [{ path: '', message: 'the plan is empty', line: 1, column: 1 }, 'plan.yaml:1:1 the plan is empty'],
  ])('%j', (over, text) => {
    expect(formatIssue('plan.yaml', issue(over))).toBe(text);
  });
});

describe('didYouMean', () => {
  test.each<[string, string[], string | undefined]>([
    ['sloWindw', KNOWN_KEYS, 'did you mean "sloWindow"?'],
    ['minduration', KNOWN_KEYS, 'did you mean "minDuration"?'],
    ['tecnical-users', ['technical-users', 'active-users'], 'did you mean "technical-users"?'],
    ['promethus', ['file', 'prometheus', 'datadog'], 'did you mean "prometheus"?'],
    ['xyz', ['file', 'prometheus'], undefined],
    ['anything', [], undefined],
    // short words allow one edit only
    ['ab', ['abc'], 'did you mean "abc"?'],
    ['ab', ['xyz'], undefined],
  ])('%j among %j', (word, known, want) => {
    expect(didYouMean(word, known)).toBe(want);
  });
});

describe('checklistId', () => {
  test.each<[string | { id?: string; text: string }, number, string]>([
    ['Validate baseline metrics', 0, 'validate-baseline-metrics'],
    ['  Load tests: completed!  ', 3, 'load-tests-completed'],
    [{ id: 'smoke', text: 'Smoke tests pass' }, 0, 'smoke'],
    [{ text: 'Smoke tests pass' }, 0, 'smoke-tests-pass'],
    ['!!!', 4, 'item-5'],
    ['x'.repeat(80), 0, 'x'.repeat(60)],
  ])('%j → %j', (item, index, id) => {
    expect(checklistId(item, index)).toBe(id);
  });
});
