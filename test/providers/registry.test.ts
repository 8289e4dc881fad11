/**
 * The adapter registry: one definition per provider folder, filed under its own role and type, whose
 * implementation loads lazily; plan validation receives it (the plan layer imports no provider).
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PROVIDER_ROLES, type SettingsRegistry } from '../../src/plan/provider-registry.js';
import { validatePlan } from '../../src/plan/validate.js';
import { findImplementation, implementations } from '../../src/providers/implementations.js';
import { findAdapter, providerRegistry } from '../../src/providers/registry.js';
import { planYaml } from '../helpers/builders.js';

const SRC = path.resolve(import.meta.dirname, '../../src');
const folders = (role: string) =>
  readdirSync(path.join(SRC, 'providers', role)).filter((f) =>
    statSync(path.join(SRC, 'providers', role, f)).isDirectory(),
  );

describe('the provider registry', () => {
  test.each(PROVIDER_ROLES)('%s: every adapter folder has a definition, filed under its type and role', (role) => {
    const types = Object.keys(providerRegistry[role]).sort();
    expect(types).toEqual(folders(role).sort());
    for (const [type, def] of Object.entries(providerRegistry[role])) {
      expect({ type: def.type, role: def.role }).toEqual({ type, role });
      expect(def.describe.length).toBeGreaterThan(5);
      expect(def.settings.safeParse({ type: 'not-this-one' }).success).toBe(false);
    }
  });

  test.each(PROVIDER_ROLES.flatMap((role) => folders(role).map((type) => [role, type])))(
    '%s/%s: the implementation loads only through a literal import() (implementations.ts), which the definition uses',
    (role, type) => {
      const text = readFileSync(path.join(SRC, 'providers', role, type, 'definition.ts'), 'utf8');
      const imports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(imports.sort()).toEqual(['../../definition.js', '../../implementations.js', './settings.js']);
      expect(text).toContain(`load: implementations.${role}.${type},`);
      const loaders = readFileSync(path.join(SRC, 'providers', 'implementations.ts'), 'utf8');
      expect(loaders).toContain(`${type}: () => import('./${role}/${type}/index.js'),`);
    },
  );

  test('creating a provider loads no settings schema: implementations.ts and what it imports at run time hold no zod', () => {
    const loaders = readFileSync(path.join(SRC, 'providers', 'implementations.ts'), 'utf8');
    const runtime = [...loaders.matchAll(/^import (?!type )[^;]*from '([^']+)';$/gm)].map((m) => m[1]);
    expect(runtime).toEqual([]);
    const services = readFileSync(path.join(SRC, 'cli', 'build-services.ts'), 'utf8');
    expect(services).not.toMatch(/registry\.js|settings\.js|from 'zod'/);
  });

  test.each(PROVIDER_ROLES)("%s: the implementations list exactly the registry's types", (role) => {
    expect(Object.keys(implementations[role]).sort()).toEqual(Object.keys(providerRegistry[role]).sort());
    for (const type of Object.keys(providerRegistry[role])) expect(findImplementation(role, type)).toBeDefined();
    expect(findImplementation(role, 'constructor')).toBeUndefined();
    expect(findImplementation(role, '__proto__')).toBeUndefined();
  });

  test('the plan layer imports nothing from the providers', () => {
    const plan = path.join(SRC, 'plan');
    for (const f of readdirSync(plan)) {
      const text = readFileSync(path.join(plan, f), 'utf8');
      expect([f, /from '\.\.\/providers\//.test(text) || /import\('\.\.\/providers\//.test(text)]).toEqual([f, false]);
    }
  });

  test('an adapter is created from the settings validation leaves, through its implementation', async () => {
    const ctx = {
      name: 'main-flags',
      baseDir: '/nonexistent',
      plan: 'p',
      warn: () => undefined,
      now: () => 0,
      envOf: () => undefined,
    };
    const settings = findAdapter('flags', 'file')!.settings.parse({ type: 'file', path: 'flags.json' });
    const { create } = await findImplementation('flags', 'file')!();
    const flags = await create(settings as never, ctx);
    expect(typeof flags.setTraffic).toBe('function');
    // settings that do not fit are refused by validation, before any adapter is created
    expect(
      findAdapter('flags', 'unleash')!.settings.safeParse({ type: 'unleash', token: 'sup3r-s3cret' }).success,
    ).toBe(false);
  });

  test('a type that is not an own key is not an adapter', () => {
    expect(findAdapter('flags', 'constructor')).toBeUndefined();
    expect(findAdapter('metrics', '__proto__')).toBeUndefined();
    expect(findAdapter('metrics', 'prometheus')?.type).toBe('prometheus');
  });
});

describe('validatePlan receives the registry', () => {
  const only = (type: string, settings: z.ZodType): SettingsRegistry => ({
    flags: { [type]: { type, settings, describe: 'a test adapter' } },
    metrics: {},
    incidents: {},
    notifications: {},
  });
  const yaml = (flags: { type: string; [k: string]: unknown }) => planYaml({ providers: { flags: { main: flags } } });

  test("the given registry's types and settings are the ones checked", () => {
    const registry = only('toy', z.strictObject({ type: z.literal('toy'), size: z.number().default(3) }));
    const r = validatePlan(yaml({ type: 'toy' }), {}, registry);
    expect(r.errors).toEqual([]);
    expect(r.value?.providerSettings.flags['main']).toEqual({ type: 'toy', size: 3 });
    const bad = validatePlan(yaml({ type: 'toy', size: 'big' }), {}, registry);
    expect(bad.errors.map((e) => e.path)).toEqual(['providers.flags.main.size']);
  });

  test('an unknown type lists the known ones of the given registry', () => {
    const registry = only('toy', z.strictObject({ type: z.literal('toy') }));
    const r = validatePlan(yaml({ type: 'file', path: 'f.json' }), {}, registry);
    expect(r.errors).toEqual([
      expect.objectContaining({ path: 'providers.flags.main.type', hint: expect.stringContaining('known: toy') }),
    ]);
  });
});
