/**
 * The full phase's validation soak (`validate:` on the last phase: the seed's "rollout completo após
 * validação das métricas") through the built binary: the rollout completes only once the soak has
 * elapsed and the SLOs held over all of it; the status stays `in-progress` meanwhile.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { atStage, expectCode, removeSandboxes, Sandbox, T } from '../helpers/cli.js';

afterAll(removeSandboxes);

const WITH_SOAK = (y: string) =>
  y.replace('  - name: full\n    traffic: 100\n', '  - name: full\n    traffic: 100\n    validate: 36h\n');

describe('validation soak of the full phase', () => {
  it('holds past the usual 24h window and completes at 36h; status says it is validating', async () => {
    const sb = await atStage('full');
    sb.editPlan(WITH_SOAK);
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead'], { now: T.done }), 0);
    const early = await sb.cmd('advance', ['--json'], { now: T.done });
    expectCode(early, 3);
    const soak = early.json().criteria.find((c: { name: string }) => c.name === 'validation');
    expect(soak).toMatchObject({ verdict: 'hold', eligibleAt: '2026-06-24T21:00:00.000Z' });
    expect(sb.state()!.status).toBe('in-progress');
    const st = await sb.json('status', [], 0, { now: T.done });
    expect(st).toMatchObject({ state: 'in-progress', validation: { phase: 'full', window: '36h', verdict: 'hold' } });
    expect(st.earliestCompletion).toBe('2026-06-24T21:00:00.000Z');
    const text = await sb.cmd('status', ['--no-color'], { now: T.done });
    expect(text.stdout).toMatch(/validating the full rollout: 36h soak until 2026-06-24T21:00:00.000Z/);
    const done = await sb.cmd('advance', ['--json'], { now: '2026-06-24T21:00:00Z' });
    expectCode(done, 0);
    expect(done.json()).toMatchObject({ decision: 'completed', state: 'completed' });
  });

  it('a breach early in the soak, outside the last 24h but inside the 36h, fails the gate (exit 4)', async () => {
    const sb = await atStage('full');
    sb.editPlan(WITH_SOAK);
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead'], { now: T.done }), 0);
    sb.setMetric('2026-06-23T10:15:00Z', 'latency_p95', 'canary', 990);
    const r = await sb.cmd('advance', ['--json'], { now: '2026-06-24T21:00:00Z' });
    expectCode(r, 4);
    const lat = r.json().criteria.find((c: { name: string }) => c.name === 'latency_p95');
    expect(lat.verdict).toBe('fail');
    expect(sb.state()!.status).not.toBe('completed');
    // the same breach without the soak is older than the 24h window: the rollout completes
    const plain = await atStage('full');
    expectCode(await plain.cmd('approve', ['--by', 'tech-lead'], { now: T.done }), 0);
    plain.setMetric('2026-06-23T10:15:00Z', 'latency_p95', 'canary', 990);
    expectCode(await plain.cmd('advance', ['--json'], { now: '2026-06-24T21:00:00Z' }), 0);
  });

  it('validate: on a phase that is not the last is refused with its place and a fix, exit 2', async () => {
    const sb = Sandbox.create({
      editPlan: (y) => y.replace('  - name: canary-25\n', '  - name: canary-25\n    validate: 24h\n'),
    });
    const r = await sb.run(['validate', sb.plan, '--json']);
    expectCode(r, 2);
    const text = JSON.stringify(r.json());
    expect(text).toMatch(/not the last phase/);
    expect(text).toMatch(/recommendations\.yaml:\d+:\d+/);
    expect(text).toMatch(/minDuration/);
  });
});
