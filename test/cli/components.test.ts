/**
 * Blue-green components (plan `components:`), through the binary: the switch at the named phase, the
 * pre-switch check, the instant switch-back on a failed gate, the rollback's switch-back step, a kill -9
 * mid-switch, and validation.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { atStage, removeSandboxes, type Sandbox } from '../helpers/cli.js';

afterAll(() => removeSandboxes());

const COMPONENT = (extra = '') => `
components:
  - name: search-index
    strategy: blue-green
    switchAt: canary-25
    run:
      switch: echo green >> switch.log
      switchBack: echo blue >> switch.log
    estimate: 1m
${extra}`;

const withComponent = (sb: Sandbox, extra = '') => sb.editPlan((y) => `${y.trimEnd()}\n${COMPONENT(extra)}`);
const log = (sb: Sandbox) =>
  existsSync(sb.path('plans', 'switch.log'))
    ? readFileSync(sb.path('plans', 'switch.log'), 'utf8').split('\n').filter(Boolean)
    : [];

describe('blue-green components', () => {
  it('switches the component to green once, when advance enters its phase', async () => {
    const sb = await atStage('canary-5-approved');
    withComponent(sb);
    const out = await sb.json('advance', [], 0);
    expect(sb.state()?.phase).toBe('canary-25');
    expect(log(sb)).toEqual(['green']);
    expect(out.components).toEqual([expect.objectContaining({ component: 'search-index', kind: 'switch', ok: true })]);
    expect(sb.state()?.components?.['search-index']).toMatchObject({ side: 'green', phase: 'canary-25' });
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toContain('## Blue-green components');
    expect(md).toMatch(/\| search-index \| switch to green \| ok \| [\d.]+ s \| exit 0 \|/);
    expect(JSON.parse(readFileSync(sb.reportFile('canary-5', 'json'), 'utf8')).components).toEqual([
      expect.objectContaining({ component: 'search-index', kind: 'switch', ok: true }),
    ]);
    const st = await sb.json('status', [], 0);
    expect(st.components).toEqual([
      expect.objectContaining({ name: 'search-index', side: 'green', switchAt: 'canary-25', phase: 'canary-25' }),
    ]);
    expect((await sb.cmd('status')).stdout).toContain('component search-index: green since');
    // a later advance does not switch again
    sb.clock.advance('1h');
    await sb.cmd('advance');
    expect(log(sb)).toEqual(['green']);
  });

  it('a failed pre-switch check holds (exit 3) and switches nothing', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan(
      (y) =>
        `${y.trimEnd()}\n${COMPONENT().replace('    estimate: 1m', '    estimate: 1m\n    check: test -f ready.txt')}`,
    );
    const r = await sb.cmd('advance');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('pre-switch check failed');
    expect(log(sb)).toEqual([]);
    expect(sb.state()?.traffic).toBe(5);
    sb.writeFile('plans/ready.txt', 'ok');
    sb.editPlan((y) => y.replace('formats: [md, json]', 'formats: [md, json]\n  language: pt-BR'));
    expect((await sb.cmd('advance')).code).toBe(0);
    expect(log(sb)).toEqual(['green']);
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toContain('## Componentes blue-green');
    expect(md).toMatch(/\| search-index \| verificação antes da troca \| falhou \| .* \| exit 1 \|/);
    expect(md).toMatch(/\| search-index \| troca para green \| ok \|/);
  });

  it('a failed gate switches a green component back at once, ahead of the contingency', async () => {
    const sb = await atStage('canary-5-approved');
    withComponent(sb);
    expect((await sb.cmd('advance')).code).toBe(0);
    sb.clock.advance('12h');
    sb.setMetric(sb.clock.now, 'latency_p95', 'canary', 640);
    const out = await sb.json('advance', [], 4);
    expect(log(sb)).toEqual(['green', 'blue']);
    expect(out.components).toEqual([
      expect.objectContaining({ component: 'search-index', kind: 'switch-back', ok: true, estimate: '1m' }),
    ]);
  });

  it('a switch that fails is switched back, and the traffic stays', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan(
      (y) => `${y.trimEnd()}\n${COMPONENT().replace('echo green >> switch.log', 'echo green >> switch.log; exit 7')}`,
    );
    const r = await sb.cmd('advance');
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('component search-index: switch failed (exit 7');
    expect(log(sb)).toEqual(['green', 'blue']);
    expect(sb.state()?.traffic).toBe(5);
  });

  it('rollout rollback switches a green component back first, as one step with its timing', async () => {
    const sb = await atStage('canary-5-approved');
    withComponent(sb);
    expect((await sb.cmd('advance')).code).toBe(0);
    const out = await sb.json('rollback', ['--yes', '--reason', 'test'], 0);
    expect(log(sb)).toEqual(['green', 'blue']);
    expect(out.steps[0]).toMatchObject({
      component: 'search-index',
      kind: 'switch-back',
      status: 'done',
      estimate: '1m',
      overEstimate: false,
    });
    expect(typeof out.steps[0].durationMs).toBe('number');
    expect(out.steps.length).toBeGreaterThan(1);
    expect(sb.state()?.components?.['search-index']).toMatchObject({ side: 'blue' });
    const md = readFileSync(sb.reportFile('canary-25', 'md'), 'utf8');
    expect(md).toMatch(/\| search-index \| switch back to blue \(blue-green\) \| switch-back \| done \|/);
  });

  it('a failed switch-back leaves the rollback incomplete; running it again switches back', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan(
      (y) =>
        `${y.trimEnd()}\n${COMPONENT().replace('echo blue >> switch.log', 'test -f fixed.txt && echo blue >> switch.log')}`,
    );
    expect((await sb.cmd('advance')).code).toBe(0);
    const first = await sb.cmd('rollback', ['--yes', '--reason', 'test']);
    expect(first.code).not.toBe(0);
    expect(sb.state()?.components?.['search-index']?.side).toBe('green');
    sb.writeFile('plans/fixed.txt', 'ok');
    const again = await sb.json('rollback', ['--yes', '--reason', 'test'], 0);
    expect(again.steps[0]).toMatchObject({ component: 'search-index', kind: 'switch-back', status: 'done' });
    expect(log(sb)).toEqual(['green', 'blue']);
  });

  it.each([['landed:component.switch'], ['append:effect.done']])(
    'killed at %s mid-switch: the next advance reconciles it, switches (again, idempotently) and moves the traffic',
    async (point) => {
      const sb = await atStage('canary-5-approved');
      withComponent(sb);
      const crashed = await sb.cmd('advance', [], { env: { ROLLOUT_TEST_CRASH_AT: point } });
      expect(crashed.signal).toBe('SIGKILL');
      expect(log(sb)).toEqual(['green']);
      expect(sb.state()?.phase).toBe('canary-5');
      const again = await sb.cmd('advance');
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('a previous run stopped before it finished');
      expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25 });
      expect(sb.state()?.components?.['search-index']).toMatchObject({ side: 'green', phase: 'canary-25' });
      expect(sb.state()?.components?.['search-index']?.uncertain).toBeUndefined();
      // a switch the state had recorded is not run again; one nothing could tell about is
      expect(log(sb)).toEqual(point.startsWith('landed') ? ['green', 'green'] : ['green']);
      const open = new Map<string, string>();
      for (const e of sb.journal())
        if (e.effect) e.type === 'effect.start' ? open.set(e.effect, e.type) : open.delete(e.effect);
      expect([...open.keys()]).toEqual([]);
    },
  );

  it('a crash mid-switch, then a failed gate: the possibly-green component is switched back', async () => {
    const sb = await atStage('canary-5-approved');
    withComponent(sb);
    const crashed = await sb.cmd('advance', [], { env: { ROLLOUT_TEST_CRASH_AT: 'landed:component.switch' } });
    expect(crashed.signal).toBe('SIGKILL');
    expect(sb.state()?.phase).toBe('canary-5');
    sb.setMetric(sb.clock.now, 'latency_p95', 'canary', 640);
    const again = await sb.json('advance', [], 4);
    expect(again.components).toEqual([
      expect.objectContaining({ component: 'search-index', kind: 'switch-back', ok: true }),
    ]);
    expect(log(sb)).toEqual(['green', 'blue']);
    expect(sb.state()?.components?.['search-index']?.side).toBe('blue');
  });

  it('a crash mid-switch-back leaves the component green; the rollback switches it back', async () => {
    const sb = await atStage('canary-5-approved');
    withComponent(sb);
    expect((await sb.cmd('advance')).code).toBe(0);
    sb.clock.advance('12h');
    sb.setMetric(sb.clock.now, 'latency_p95', 'canary', 640);
    const crashed = await sb.cmd('advance', [], { env: { ROLLOUT_TEST_CRASH_AT: 'landed:component.switch-back' } });
    expect(crashed.signal).toBe('SIGKILL');
    const rb = await sb.json('rollback', ['--yes', '--reason', 'test'], 0);
    expect(rb.steps[0]).toMatchObject({ component: 'search-index', kind: 'switch-back', status: 'done' });
    expect(log(sb)).toEqual(['green', 'blue', 'blue']);
    expect(sb.state()?.components?.['search-index']?.side).toBe('blue');
  });

  it('a component with a flag of its own: switched on at the phase, off again on a failed gate', async () => {
    const sb = await atStage('canary-5-approved');
    sb.editPlan(
      (y) => `${y.trimEnd()}\n${COMPONENT().replace(/ {4}run:\n.*\n.*\n/, '    flag: { key: search-index-green }\n')}`,
    );
    const out = await sb.json('advance', [], 0);
    expect(out.components).toEqual([
      expect.objectContaining({
        component: 'search-index',
        kind: 'switch',
        ok: true,
        command: 'flag search-index-green on',
      }),
    ]);
    const component = () => sb.flagDoc()?.flags['search-index-green'];
    expect(component()?.metadata?.['traffic']).toBe(100);
    expect(sb.flagTraffic()).toBe(25);
    sb.clock.advance('12h');
    sb.setMetric(sb.clock.now, 'latency_p95', 'canary', 640);
    const failed = await sb.json('advance', [], 4);
    expect(failed.components).toEqual([expect.objectContaining({ kind: 'switch-back', ok: true })]);
    expect(component()).toMatchObject({ defaultVariant: 'off', metadata: { traffic: 0 } });
    expect(sb.state()?.components?.['search-index']?.side).toBe('blue');
  });

  it('advance --dry-run runs no component command', async () => {
    const sb = await atStage('canary-5-approved');
    withComponent(sb);
    const out = await sb.json('advance', ['--dry-run'], 0);
    expect(log(sb)).toEqual([]);
    expect(out.actions).toEqual(
      expect.arrayContaining([{ action: 'run', detail: { command: 'echo green >> switch.log' } }]),
    );
    expect(sb.state()?.components).toBeUndefined();
  });

  it.each([
    ['switchAt: canary-26', 'switches at a phase "canary-26" the plan does not have', 'did you mean "canary-25"'],
    ['switchAt: pre-deploy', 'the first phase', 'name a later phase'],
    ['switchAt: canary-25\n    strategy: canary', 'blue-green', ''],
  ])('validation: %s', async (edit, message, hint) => {
    const sb = await atStage('start');
    sb.editPlan(
      (y) =>
        `${y.trimEnd()}\n${COMPONENT()
          .replace('switchAt: canary-25', edit)
          .replace('    strategy: blue-green\n', edit.includes('strategy') ? '' : '    strategy: blue-green\n')}`,
    );
    const r = await sb.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(message);
    expect(r.stdout + r.stderr).toContain(hint);
    expect(r.stdout + r.stderr).toMatch(/recommendations\.yaml:\d+:\d+/);
  });

  it("validation: a component needs exactly one of run and flag, and not the rollout's own flag", async () => {
    const sb = await atStage('start');
    sb.editPlan(
      (y) =>
        `${y.trimEnd()}\n${COMPONENT().replace('    estimate: 1m', '    estimate: 1m\n    flag: { key: recommendations-v2 }')}`,
    );
    const r = await sb.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('exactly one of `run: { switch, switchBack }` or `flag: { key }`');
    const sb2 = await atStage('start');
    sb2.editPlan(
      (y) => `${y.trimEnd()}\n${COMPONENT().replace(/ {4}run:\n.*\n.*\n/, '    flag: { key: recommendations-v2 }\n')}`,
    );
    const r2 = await sb2.cmd('validate');
    expect(r2.code).toBe(2);
    expect(r2.stdout + r2.stderr).toContain("would switch the rollout's own flag");
  });

  it('validation: two components with one name, and a misspelt key', async () => {
    const sb = await atStage('start');
    sb.editPlan(
      (y) =>
        `${y.trimEnd()}\n${COMPONENT()}${COMPONENT().replace('components:\n', '').replace('switchBack', 'swtichBack')}`,
    );
    const r = await sb.cmd('validate');
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('"search-index" is already the name of components[0]');
    expect(r.stdout + r.stderr).toContain('switchBack');
  });
});
