/**
 * TEST-ONLY fault injection. `ROLLOUT_TEST_CRASH_AT=N` kills the process (SIGKILL, as `kill -9`
 * would) at the Nth crash point it passes; `ROLLOUT_TEST_CRASH_AT=NAME` (or `NAME#K`, the Kth time)
 * at a named one. `ROLLOUT_TEST_CRASH_TRACE=FILE` appends the name of every point passed to FILE, so
 * a test can list the steps of a command and then crash at each of them. Crash points sit at the
 * store and effect boundaries only: before and after every journal append and state save
 * (`append:effect.start`, `appended:effect.start`, `save`, `saved`) and between an effect landing and
 * its being recorded (`landed:flag.set-traffic`). Nothing but tests sets these variables; when
 * neither is set a crash point does nothing.
 */
import { appendFileSync } from 'node:fs';

let passed = 0;
const seen = new Map<string, number>();

export function crashPoint(name: string): void {
  const at = process.env['ROLLOUT_TEST_CRASH_AT'];
  const trace = process.env['ROLLOUT_TEST_CRASH_TRACE'];
  if (!at && !trace) return;
  passed++;
  const k = (seen.get(name) ?? 0) + 1;
  seen.set(name, k);
  if (trace) appendFileSync(trace, `${passed}\t${name}#${k}\n`);
  if (at && (at === String(passed) || at === name || at === `${name}#${k}`)) process.kill(process.pid, 'SIGKILL');
}
