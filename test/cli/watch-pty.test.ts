/** `rollout watch` on a terminal: one live view redrawn in place at each check, not a scroll of lines. */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { atStage, PLAN, removeSandboxes } from '../helpers/cli.js';
import { killTerminals, Terminal } from '../helpers/pty.js';

afterEach(killTerminals);
afterAll(removeSandboxes);

describe('watch in a terminal', () => {
  it('redraws its view in place: after three checks the screen shows the last one, once, with sparklines', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set('2026-06-19T09:00:00Z');
    const t = new Terminal(sb, 'watch');
    t.start(['watch', PLAN, '--every', '10m', '--max-checks', '3']);
    expect(await t.exitCode()).toBe(3);
    const screen = await t.waitFor('watch ended: its bound was reached after 3 checks');
    // never two blocks on screen (a block scrolled rather than redrawn would leave its head behind); the
    // head itself may have scrolled off when tmux sized the pane after the first draw
    expect((screen.match(/rollout watch recommendations-v2/g) ?? []).length).toBeLessThanOrEqual(1);
    expect(screen).toContain('2026-06-19T09:20:00.000Z #3 held in canary-5 (5% of technical-users)');
    expect(screen).not.toContain(' #1 ');
    expect(screen).not.toContain(' #2 ');
    expect(screen).toMatch(/latency_p95 +[▁▂▃▄▅▆▇█·]{8,} +SLO < 500 ms at/);
    expect(screen.match(/^minDuration +hold/gm)).toHaveLength(1);
  }, 60_000);
});
