/** Every decision is written into the report of the phase it was taken in (contract §2). */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { atStage, removeSandboxes } from '../helpers/cli.js';

afterAll(removeSandboxes);

describe('phase reports', () => {
  it('a held gate updates the current phase report with the latest evaluation', async () => {
    const sb = await atStage('canary-5');
    expect(existsSync(sb.reportFile('canary-5', 'md'))).toBe(false);
    sb.clock.advance('1h');
    expect((await sb.cmd('advance')).code).toBe(3);
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toContain('**held**');
    expect(md).toMatch(/\| minDuration \| ⏸ hold \|/);
    expect(md).toContain('the gate holds on minDuration');
    const json = JSON.parse(readFileSync(sb.reportFile('canary-5', 'json'), 'utf8'));
    expect(json.phase).toMatchObject({ name: 'canary-5', status: 'current' });
    expect(json.decision.decision).toBe('held');
  });

  it('a failed gate writes the breach and the contingency into the report', async () => {
    const sb = await atStage('canary-5');
    sb.clock.advance('12h');
    sb.setMetric(sb.clock.now, 'latency_p95', 'canary', 640);
    expect((await sb.cmd('advance')).code).toBe(4);
    const md = readFileSync(sb.reportFile('canary-5', 'md'), 'utf8');
    expect(md).toMatch(/\| latency_p95 \| ❌ fail \| 640 ms \(worst\) \| < 500 ms \|/);
    expect(md).toContain('**Contingency** (moderate): reduce-traffic — not applied.');
    expect(md).toContain('the gate failed on latency_p95');
  });
});
