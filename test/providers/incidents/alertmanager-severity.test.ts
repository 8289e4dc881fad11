import { describe, expect, it } from '@jest/globals';
import { createSeverityMapper } from '../../../src/providers/incidents/alertmanager/severity.js';
import { alertsQuery } from '../../../src/providers/incidents/alertmanager/index.js';

describe('createSeverityMapper', () => {
  const map = createSeverityMapper(undefined);
  it.each([
    ['critical', 'critical'],
    ['high', 'high'],
    ['error', 'high'],
    ['page', 'high'],
    ['warning', 'medium'],
    ['medium', 'medium'],
    ['info', 'low'],
    ['low', 'low'],
    ['Warning', 'medium'],
    [' CRITICAL ', 'critical'],
  ])('%s → %s', (value, want) => {
    expect(map(value)).toEqual({ severity: want, mapped: true });
  });

  it.each([[undefined], ['sev2'], ['']])('cannot map %p: counts as critical, never ignored', (value) => {
    expect(map(value)).toEqual({ severity: 'critical', mapped: false });
  });

  it("the plan's map wins over the defaults", () => {
    const custom = createSeverityMapper({ warning: 'high', P3: 'low' });
    expect(custom('warning').severity).toBe('high');
    expect(custom('p3').severity).toBe('low');
    expect(custom('info').severity).toBe('low');
  });
});

describe('alertsQuery', () => {
  it('asks for active, unsilenced, uninhibited alerts and repeats filter', () => {
    const q = new URLSearchParams(alertsQuery(['service="recs"', 'severity=~"critical|high"']));
    expect(q.get('active')).toBe('true');
    expect(q.get('silenced')).toBe('false');
    expect(q.get('inhibited')).toBe('false');
    expect(q.getAll('filter')).toEqual(['service="recs"', 'severity=~"critical|high"']);
    expect(new URLSearchParams(alertsQuery('a="b"')).getAll('filter')).toEqual(['a="b"']);
    expect(new URLSearchParams(alertsQuery(undefined)).has('filter')).toBe(false);
  });
});
