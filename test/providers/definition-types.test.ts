/**
 * An adapter whose settings and implementation disagree fails to compile: each `@ts-expect-error`
 * below is checked by `npm run typecheck` (tsc reports an unused one as an error), so the file
 * proves the mismatch is caught. At run time the definitions are inert (never loaded).
 */
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { defineAdapter } from '../../src/providers/definition.js';
import { fileFlagSettings } from '../../src/providers/flags/file/settings.js';
import { prometheusSettings } from '../../src/providers/metrics/prometheus/settings.js';

const fileFlagsIndex = () => import('../../src/providers/flags/file/index.js');

describe('defineAdapter checks a definition at compile time', () => {
  test('the right settings, role and type compile', () => {
    const ok = defineAdapter({
      type: 'file',
      role: 'flags',
      settings: fileFlagSettings,
      describe: 'x',
      load: fileFlagsIndex,
    });
    expect(ok).toMatchObject({ type: 'file', role: 'flags', describe: 'x' });
  });

  test('settings the implementation cannot read do not compile', () => {
    const noPath = z.strictObject({ type: z.literal('file'), file: z.string() });
    const bad = defineAdapter({
      type: 'file',
      role: 'flags',
      settings: noPath,
      describe: 'x',
      // @ts-expect-error createFileFlags needs `path`, which these settings do not produce
      load: fileFlagsIndex,
    });
    expect(bad.type).toBe('file');
  });

  test("another adapter's settings do not compile", () => {
    const bad = defineAdapter({
      type: 'file',
      role: 'flags',
      // @ts-expect-error the schema's `type` is "prometheus", not "file"
      settings: prometheusSettings,
      describe: 'x',
      // @ts-expect-error and the file implementation does not read Prometheus settings
      load: fileFlagsIndex,
    });
    expect(bad.role).toBe('flags');
  });

  test('an implementation of another role does not compile', () => {
    const bad = defineAdapter({
      type: 'file',
      role: 'metrics',
      settings: fileFlagSettings,
      describe: 'x',
      // @ts-expect-error a FlagProvider is not a MetricsProvider
      load: fileFlagsIndex,
    });
    expect(bad.role).toBe('metrics');
  });
});
