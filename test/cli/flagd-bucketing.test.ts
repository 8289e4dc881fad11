/**
 * The flag file `advance` writes, evaluated by flagd's own engine (@openfeature/flagd-core): an
 * application reading it serves exactly the phase's traffic, to the phase's audience only, and a
 * higher percentage keeps everyone who already had the feature.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FlagdCore } from '@openfeature/flagd-core';
import type { Logger } from '@openfeature/core';
import { atStage, FLAG_KEY, removeSandboxes, type Sandbox } from '../helpers/cli.js';

afterAll(removeSandboxes);

const problems: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...a: unknown[]) => problems.push(`warn: ${a.map(String).join(' ')}`),
  error: (...a: unknown[]) => problems.push(`error: ${a.map(String).join(' ')}`),
};

function engine(sb: Sandbox): FlagdCore {
  const core = new FlagdCore(undefined, logger);
  core.setConfigurations(readFileSync(sb.flagFile, 'utf8'));
  return core;
}

const N = 100_000;
const keys = Array.from({ length: N }, () => randomUUID());
const TECHNICAL_AND_ACTIVE = { profile: 'technical', activity: 'active' };

function servedOn(core: FlagdCore, attrs: Record<string, string>, list = keys): Set<string> {
  const on = new Set<string>();
  for (const k of list) {
    const r = core.resolveBooleanEvaluation(FLAG_KEY, false, { targetingKey: k, ...attrs }, logger);
    if (r.value === true) on.add(k);
  }
  return on;
}

let at5: Sandbox;
let at25: Sandbox;
let at100: Sandbox;
beforeAll(async () => {
  at5 = await atStage('canary-5');
  at25 = await atStage('canary-25');
  at100 = await atStage('full');
});

describe('the flagd flag file, evaluated by flagd-core', () => {
  it('at canary-5 serves ~5% of the technical-users audience and nobody outside it', () => {
    const core = engine(at5);
    const on = servedOn(core, { profile: 'technical' });
    const share = on.size / N;
    expect(share).toBeGreaterThanOrEqual(0.046);
    expect(share).toBeLessThanOrEqual(0.054);
    // outside the audience: another profile, no profile at all, or the other phase's attribute only
    expect(servedOn(core, { profile: 'business' }, keys.slice(0, 20_000)).size).toBe(0);
    expect(servedOn(core, {}, keys.slice(0, 20_000)).size).toBe(0);
    expect(servedOn(core, { activity: 'active' }, keys.slice(0, 20_000)).size).toBe(0);
    // the same key always gets the same answer
    expect(servedOn(core, { profile: 'technical' })).toEqual(on);
    expect(problems.filter((p) => p.startsWith('error'))).toEqual([]);
  });

  it('raising the traffic (5% → 25%) keeps everyone who had the feature (in both audiences), and ~25% of the new audience get it', () => {
    const on5 = servedOn(engine(at5), TECHNICAL_AND_ACTIVE);
    expect(on5.size / N).toBeGreaterThanOrEqual(0.046);
    const core25 = engine(at25);
    const on25 = servedOn(core25, TECHNICAL_AND_ACTIVE);
    const lost = [...on5].filter((k) => !on25.has(k));
    expect(lost).toEqual([]);
    expect(on25.size / N).toBeGreaterThanOrEqual(0.24);
    expect(on25.size / N).toBeLessThanOrEqual(0.26);
    // canary-25's audience is active-users; nobody else joins: a dormant business user stays off
    expect(servedOn(core25, { profile: 'business', activity: 'dormant' }, keys.slice(0, 20_000)).size).toBe(0);
  });

  it('exposure only grows over 5% technical-users → 25% active-users → 100%: 0 of 100k keys lose it in any audience mix', () => {
    const mixes: Record<string, string>[] = [
      { profile: 'technical' },
      { activity: 'active' },
      TECHNICAL_AND_ACTIVE,
      { profile: 'technical', activity: 'dormant' },
    ];
    const cores = [engine(at5), engine(at25), engine(at100)];
    for (const attrs of mixes) {
      const served = cores.map((c) => servedOn(c, attrs));
      for (let i = 1; i < served.length; i++) {
        const lost = [...served[i - 1]!].filter((k) => !served[i]!.has(k));
        expect({ attrs, step: i, lost: lost.length }).toEqual({ attrs, step: i, lost: 0 });
      }
    }
    // technical users who are not active keep exactly their canary-5 share at canary-25, and nobody new joins them
    const techOnly5 = servedOn(cores[0]!, { profile: 'technical', activity: 'dormant' });
    const techOnly25 = servedOn(cores[1]!, { profile: 'technical', activity: 'dormant' });
    expect(techOnly5.size / N).toBeGreaterThanOrEqual(0.046);
    expect(techOnly25).toEqual(techOnly5);
  });

  it('reduce takes exposure away: back at canary-5, active users outside technical-users lose it', async () => {
    const sb = await atStage('canary-25');
    const activeOnly = { profile: 'business', activity: 'active' };
    const before = servedOn(engine(sb), activeOnly);
    expect(before.size / N).toBeGreaterThanOrEqual(0.24);
    const r = await sb.cmd('reduce', ['--yes']);
    expect(r.code).toBe(0);
    // the report says from whom, and what each phase serves is a share of its audience
    expect(r.stdout).toContain('reduced: canary-25 (25% of active-users) → canary-5 (5% of technical-users)');
    expect(r.stdout).toContain('exposure taken away from: 25% of active-users');
    expect(servedOn(engine(sb), activeOnly).size).toBe(0);
    // technical users keep their canary-5 share
    expect(servedOn(engine(sb), { profile: 'technical' })).toEqual(servedOn(engine(at5), { profile: 'technical' }));
  });

  it('at full (100%) serves everyone, with or without attributes', () => {
    const core = engine(at100);
    const sample = keys.slice(0, 20_000);
    expect(servedOn(core, {}, sample).size).toBe(sample.length);
    expect(servedOn(core, { profile: 'business', activity: 'dormant' }, sample).size).toBe(sample.length);
    // and a context without a targeting key too
    expect(core.resolveBooleanEvaluation(FLAG_KEY, false, {}, logger).value).toBe(true);
  });

  it('leaves flags it does not drive untouched', async () => {
    const sb = await atStage('canary-5-approved');
    const doc = sb.flagDoc()!;
    const other = {
      state: 'ENABLED',
      variants: { blue: 'blue', green: 'green' },
      defaultVariant: 'blue',
      targeting: { if: [{ '==': [{ var: 'tier' }, 'gold'] }, 'green', null] },
    };
    doc.flags['checkout-theme'] = other as never;
    doc['$evaluators'] = { shared: { in: ['x', ['x']] } };
    sb.writeFile('plans/.rollout/flags.json', JSON.stringify(doc, null, 2));
    expect((await sb.json('advance', [], 0)).decision).toBe('advanced');
    const after = sb.flagDoc()!;
    expect(after.flags['checkout-theme']).toEqual(other);
    expect(after['$evaluators']).toEqual({ shared: { in: ['x', ['x']] } });
    expect(after.flags[FLAG_KEY]?.metadata?.['traffic']).toBe(25);
    const core = engine(sb);
    expect(
      core.resolveStringEvaluation('checkout-theme', 'none', { targetingKey: 'u1', tier: 'gold' }, logger).value,
    ).toBe('green');
  });
});
