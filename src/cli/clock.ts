import { RolloutError } from '../errors.js';
import type { Clock } from '../engine/services.js';

/** The tool's clock: ROLLOUT_NOW (ISO-8601) when set, for tests, replays and drills. */
export function createClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env['ROLLOUT_NOW'];
  const stopwatch = () => {
    const start = performance.now();
    return () => Math.round(performance.now() - start);
  };
  if (raw === undefined || raw === '') return { now: () => Date.now(), simulated: false, stopwatch };
  const t = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || !Number.isFinite(t)) {
    throw new RolloutError('usage', `ROLLOUT_NOW="${raw}" is not an ISO-8601 time`, { hint: 'e.g. ROLLOUT_NOW=2026-06-20T09:00:00Z' });
  }
  return { now: () => t, simulated: true, stopwatch };
}
