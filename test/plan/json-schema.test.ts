/**
 * The plan's JSON Schema (`rollout schema`). No validator library is installed for this: the tests
 * check the draft 2020-12 shape, the structure that matters to editors, and conformance of the
 * reference plan with a small checker for exactly the keywords the generated schema uses (it
 * throws on any other keyword, so it cannot pass by ignoring one).
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { planJsonSchema } from '../../src/cli/commands/schema.js';
import { planInput } from '../helpers/builders.js';

type Schema = Record<string, unknown>;
const schema = planJsonSchema() as Schema;
const REFERENCE = parse(readFileSync(new URL('../../plans/recommendations.yaml', import.meta.url), 'utf8')) as unknown;

const JSON_TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];
const SCHEMA_KEYWORDS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'default',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'enum',
  'const',
  'anyOf',
  'minLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  // an annotation in draft 2020-12 (z.url() emits `uri`); editors may check it, this checker does not
  'format',
]);

/** Every subschema with its JSON pointer. */
function subschemas(s: Schema, at = '#'): [string, Schema][] {
  const out: [string, Schema][] = [[at, s]];
  const props = (s['properties'] ?? {}) as Record<string, Schema>;
  for (const [k, v] of Object.entries(props)) out.push(...subschemas(v, `${at}/properties/${k}`));
  for (const k of ['items', 'additionalProperties', 'propertyNames'] as const) {
    const v = s[k];
    if (v && typeof v === 'object') out.push(...subschemas(v as Schema, `${at}/${k}`));
  }
  ((s['anyOf'] ?? []) as Schema[]).forEach((v, i) => {
    out.push(...subschemas(v, `${at}/anyOf/${i}`));
  });
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Conformance for the keywords above; returns the problems as `pointer: what`. */
function check(s: Schema, v: unknown, at = ''): string[] {
  const errs: string[] = [];
  for (const k of Object.keys(s)) if (!SCHEMA_KEYWORDS.has(k)) throw new Error(`checker does not know keyword ${k}`);
  if (s['anyOf']) {
    const ok = (s['anyOf'] as Schema[]).some((b) => check(b, v, at).length === 0);
    if (!ok) errs.push(`${at}: matches no branch of anyOf`);
  }
  if (s['type'] !== undefined) {
    const types = ([] as string[]).concat(s['type'] as string);
    const t = typeOf(v);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number')))
      return [...errs, `${at}: ${t} is not ${types.join('|')}`];
  }
  if ('const' in s && v !== s['const']) errs.push(`${at}: not ${JSON.stringify(s['const'])}`);
  if (s['enum'] && !(s['enum'] as unknown[]).includes(v)) errs.push(`${at}: ${JSON.stringify(v)} not in enum`);
  if (typeof v === 'string') {
    if (s['minLength'] !== undefined && v.length < (s['minLength'] as number)) errs.push(`${at}: too short`);
    if (s['pattern'] !== undefined && !new RegExp(s['pattern'] as string, 'u').test(v))
      errs.push(`${at}: does not match ${s['pattern']}`);
  }
  if (typeof v === 'number') {
    if (s['minimum'] !== undefined && v < (s['minimum'] as number)) errs.push(`${at}: below minimum`);
    if (s['maximum'] !== undefined && v > (s['maximum'] as number)) errs.push(`${at}: above maximum`);
    if (s['exclusiveMinimum'] !== undefined && v <= (s['exclusiveMinimum'] as number))
      errs.push(`${at}: not above exclusiveMinimum`);
    if (s['exclusiveMaximum'] !== undefined && v >= (s['exclusiveMaximum'] as number))
      errs.push(`${at}: not below exclusiveMaximum`);
  }
  if (Array.isArray(v)) {
    if (s['minItems'] !== undefined && v.length < (s['minItems'] as number)) errs.push(`${at}: too few items`);
    if (s['items'])
      v.forEach((x, i) => {
        errs.push(...check(s['items'] as Schema, x, `${at}/${i}`));
      });
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s['properties'] ?? {}) as Record<string, Schema>;
    for (const r of (s['required'] ?? []) as string[]) if (!(r in o)) errs.push(`${at}: missing ${r}`);
    for (const [k, x] of Object.entries(o)) {
      if (s['propertyNames']) errs.push(...check(s['propertyNames'] as Schema, k, `${at}/${k}(name)`));
      if (props[k]) errs.push(...check(props[k], x, `${at}/${k}`));
      else if (s['additionalProperties'] === false) errs.push(`${at}: additional property ${k}`);
      else if (s['additionalProperties'] && typeof s['additionalProperties'] === 'object')
        errs.push(...check(s['additionalProperties'] as Schema, x, `${at}/${k}`));
    }
  }
  return errs;
}

const prop = (s: Schema, ...path: string[]): Schema =>
  path.reduce<Schema>(
    (acc, k) => (k === '[]' ? (acc['items'] as Schema) : ((acc['properties'] as Record<string, Schema>)[k] as Schema)),
    s,
  );

describe('the plan JSON Schema', () => {
  test('declares draft 2020-12, an id and a title', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toBe('https://rollout.dev/schema/plan-v1.json');
    expect(schema['title']).toBe('rollout plan');
    expect(schema['type']).toBe('object');
  });

  test('is plain JSON (round-trips unchanged)', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  test('every subschema uses draft 2020-12 keywords with well-formed values', () => {
    const all = subschemas(schema);
    expect(all.length).toBeGreaterThan(100);
    for (const [at, s] of all) {
      for (const k of Object.keys(s)) expect([at, k, SCHEMA_KEYWORDS.has(k)]).toEqual([at, k, true]);
      if (s['type'] !== undefined) for (const t of ([] as unknown[]).concat(s['type'])) expect(JSON_TYPES).toContain(t);
      if (s['required'] !== undefined) {
        expect(Array.isArray(s['required'])).toBe(true);
        for (const r of s['required'] as string[]) expect(Object.keys((s['properties'] ?? {}) as object)).toContain(r);
      }
      if (s['enum'] !== undefined) expect((s['enum'] as unknown[]).length).toBeGreaterThan(0);
      if (s['pattern'] !== undefined) expect(() => new RegExp(s['pattern'] as string, 'u')).not.toThrow();
      if (s['anyOf'] !== undefined) expect((s['anyOf'] as unknown[]).length).toBeGreaterThan(1);
      // draft-07 spellings that 2020-12 replaced
      expect(s).not.toHaveProperty('definitions');
      expect(s).not.toHaveProperty('dependencies');
    }
  });

  test('the top level requires what has no default and allows nothing else', () => {
    expect(schema['required']).toEqual(['version', 'name', 'flag', 'providers', 'phases']);
    expect(schema['additionalProperties']).toBe(false);
    expect(prop(schema, 'version')).toMatchObject({ const: 1 });
    expect(prop(schema, 'name')['pattern']).toBe('^[a-z0-9]+(-[a-z0-9]+)*$');
    expect(prop(schema, 'strategy')['enum']).toEqual(['canary', 'blue-green']);
  });

  test('phases: a non-empty list of strict objects with traffic 0-100 and the document kinds (the seed six and the living ones)', () => {
    const phases = prop(schema, 'phases');
    expect(phases).toMatchObject({ type: 'array', minItems: 1 });
    const phase = prop(phases, '[]');
    expect(phase).toMatchObject({ type: 'object', required: ['name', 'traffic'], additionalProperties: false });
    expect(prop(phase, 'traffic')).toMatchObject({ type: 'number', minimum: 0, maximum: 100 });
    expect(prop(phase, 'documents', '[]')['enum']).toEqual([
      'rollout-plan',
      'test-cases',
      'initial-metrics',
      'comparative-analysis',
      'final-report',
      'lessons-learned',
      'issue-log',
      'user-feedback',
      'communication-plan',
    ]);
    expect(prop(phase, 'advance')['additionalProperties']).toBe(false);
  });

  test('metrics: strict objects; onBreach and onNoData enums (never pass); strict bounds', () => {
    const metric = prop(schema, 'metrics', '[]');
    expect(metric).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(prop(metric, 'onBreach')['enum']).toEqual(['light', 'moderate', 'severe']);
    expect(prop(metric, 'onNoData')['enum']).toEqual(['hold', 'fail']);
    expect(prop(metric, 'kind')['enum']).toEqual(['value', 'ratio', 'histogram']);
    for (const b of ['slo', 'severe']) {
      expect(prop(metric, b)).toMatchObject({ type: 'object', additionalProperties: false });
      expect(Object.keys(prop(metric, b)['properties'] as object)).toEqual(['below', 'above']);
    }
  });

  test('severities and contingency actions are enums', () => {
    const incidents = prop(schema, 'advance', 'noOpenIncidents')['anyOf'] as Schema[];
    expect(incidents).toContainEqual({ type: 'string', enum: ['critical', 'high', 'medium', 'low'] });
    expect(incidents).toContainEqual({ type: 'boolean', const: false });
    for (const level of ['light', 'moderate', 'severe']) {
      const c = prop(schema, 'contingency', level);
      expect(c).toMatchObject({ required: ['action'], additionalProperties: false });
      expect(prop(c, 'action')['enum']).toEqual(['hold', 'reduce-traffic', 'rollback', 'adjust-flags']);
    }
  });

  test.each(['flag', 'providers', 'state', 'advance', 'contingency', 'reports'])('%s is a strict object', (key) => {
    expect(prop(schema, key)).toMatchObject({ type: 'object', additionalProperties: false });
  });

  test.each([
    ['flags', ['file', 'launchdarkly', 'unleash']],
    ['metrics', ['file', 'prometheus', 'datadog', 'http', 'command']],
    ['incidents', ['file', 'alertmanager', 'pagerduty']],
    ['notifications', ['slack', 'webhook']],
  ])('providers.%s: a union keyed on `type` of strict, described settings (%j)', (role, types) => {
    const byName = prop(schema, 'providers', role);
    expect(byName['description']).toEqual(expect.any(String));
    const branches = (byName['additionalProperties'] as Schema)['anyOf'] as Schema[];
    expect(branches.map((b) => prop(b, 'type')['const'])).toEqual(types);
    for (const b of branches) {
      expect(b).toMatchObject({ type: 'object', additionalProperties: false });
      expect(b['required']).toContain('type');
      expect(b['description']).toEqual(expect.stringMatching(/\S/));
      // what an editor shows while completing a setting
      for (const [key, setting] of Object.entries(b['properties'] as Record<string, Schema>))
        if (key !== 'type') expect([key, typeof setting['description']]).toEqual([key, 'string']);
    }
  });

  test('provider settings are completed per type: unleash settings under a file flag provider do not conform', () => {
    const flags = prop(schema, 'providers', 'flags');
    expect(check(flags, { main: { type: 'unleash', url: 'http://u', token: 't', environment: 'e' } })).toEqual([]);
    expect(check(flags, { main: { type: 'file', url: 'http://u' } }).join('\n')).toMatch(/matches no branch/);
    expect(check(flags, { main: { type: 'flagsmith' } }).join('\n')).toMatch(/matches no branch/);
  });

  test('the reference plan (YAML parsed to JS) conforms', () => {
    expect(check(schema, REFERENCE)).toEqual([]);
  });

  test('the minimal plan conforms', () => {
    expect(check(schema, planInput())).toEqual([]);
  });

  test.each<[string, (p: Record<string, unknown>) => void, RegExp]>([
    ['an unknown top-level key', (p) => (p['phasez'] = []), /additional property phasez/],
    [
      'traffic over 100',
      (p) => ((p['phases'] as Record<string, unknown>[])[1]!['traffic'] = 150),
      /phases\/1\/traffic: above maximum/,
    ],
    [
      'a bad onBreach',
      (p) => (p['metrics'] = [{ name: 'x', onBreach: 'awful' }]),
      /metrics\/0\/onBreach: "awful" not in enum/,
    ],
    ['no phases', (p) => (p['phases'] = []), /phases: too few items/],
    ['a missing flag', (p) => delete p['flag'], /missing flag/],
  ])('the checker is not vacuous: %s is rejected', (_what, mutate, problem) => {
    const p = structuredClone(REFERENCE) as Record<string, unknown>;
    mutate(p);
    expect(check(schema, p).join('\n')).toMatch(problem);
  });
});
