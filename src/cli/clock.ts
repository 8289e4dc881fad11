import { RolloutError } from '../errors.js';
import { readIsoTime } from '../iso-time.js';
import type { Clock } from '../engine/services.js';

/** The tool's clock: ROLLOUT_NOW (ISO-8601) when set, for tests, replays and drills. */
export function createClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env['ROLLOUT_NOW'];
  const stopwatch = () => {
    const start = performance.now();
    return () => Math.round(performance.now() - start);
  };
  if (raw === undefined || raw === '') return { now: () => Date.now(), simulated: false, stopwatch };
  // strict: `2026-02-30` is refused rather than rolled over to March; no offset means UTC, whatever TZ says
  const t = readIsoTime(raw);
  if (!t.ok)
    throw new RolloutError('usage', `ROLLOUT_NOW=${t.reason}`, { hint: 'e.g. ROLLOUT_NOW=2026-06-20T09:00:00Z' });
  let at = t.ms;
  return {
    now: () => at,
    simulated: true,
    stopwatch,
    advance: (ms: number) => {
      at += ms;
    },
  };
}
