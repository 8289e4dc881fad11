/**
 * The clock never runs backwards through a rollout. Pure: the times are arguments.
 *
 * A change dated before the last recorded event would show negative times in phase, count approvals
 * given "before" the phase started and write the journal out of order; a switch between the
 * simulated clock (ROLLOUT_NOW) and the system clock jumps by months (a drill's state used for real,
 * or ROLLOUT_NOW set to skip a soak). Commands that change the state refuse both unless the person
 * says so with --clock-jump (which is journaled); read-only commands warn.
 */
import { formatDuration } from '../plan/duration.js';

export type ClockName = 'system' | 'ROLLOUT_NOW';

export interface ClockJump {
  kind: 'backwards' | 'switch';
  from: { at: string; clock: ClockName };
  to: { at: string; clock: ClockName };
  /** what is wrong, naming both times */
  message: string;
}

export function checkClock(args: {
  now: number;
  simulated: boolean;
  last?: { at: string; clock: ClockName } | undefined;
}): ClockJump | undefined {
  const { last } = args;
  if (!last) return undefined;
  const lastMs = Date.parse(last.at);
  if (!Number.isFinite(lastMs)) return undefined;
  const to = { at: new Date(args.now).toISOString(), clock: (args.simulated ? 'ROLLOUT_NOW' : 'system') as ClockName };
  const from = { at: new Date(lastMs).toISOString(), clock: last.clock };
  const name = (c: { clock: ClockName }) => (c.clock === 'ROLLOUT_NOW' ? 'the ROLLOUT_NOW clock' : 'the system clock');
  if (args.now < lastMs) {
    return {
      kind: 'backwards',
      from,
      to,
      message: `${name(to)} reads ${to.at}, earlier than the last recorded event at ${from.at} (${formatDuration(lastMs - args.now)} before it); the clock would run backwards through the rollout`,
    };
  }
  if (last.clock !== to.clock) {
    return {
      kind: 'switch',
      from,
      to,
      message: `the rollout was last recorded with ${name(from)} at ${from.at}; ${name(to)} reads ${to.at} (${formatDuration(args.now - lastMs)} later)`,
    };
  }
  return undefined;
}

export const CLOCK_JUMP_HINT =
  'if this is really the time, say so with --clock-jump (it is journaled); otherwise set ROLLOUT_NOW to a time after the last event, or unset it to use the system clock as before';
