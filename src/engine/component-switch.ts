/**
 * Runs a blue-green component's commands (plan `components:`) through the services' runner, each one
 * effect journaled before and after: the pre-switch `check`, the `switch` to green and the `switchBack`
 * to blue. What a switch changed is saved in the state before the journal closes its effect. A `run:`
 * is the plan author's own shell text; `${VAR}` placeholders reach the shell as references only
 * (src/cli/runner.ts, src/engine/shell-text.ts), never spliced.
 */
import { formatTimeout, parseDuration, parseEstimate } from '../plan/duration.js';
import type { Component } from '../plan/components-schema.js';
import type { RolloutState } from '../state/types.js';
import { switchedBlue, switchedGreen } from './components.js';
import { withEffect } from './journal.js';
import type { CommandResult, Services } from './services.js';

const DEFAULT_TIMEOUT = 5 * 60_000;

export interface ComponentRun {
  component: string;
  kind: 'check' | 'switch' | 'switch-back';
  ok: boolean;
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** `exit 0`, `exit 3`, `timed out after 5m` */
  detail: string;
  output: string;
  at: string;
  estimate?: string | undefined;
  /** true when the switch-back took longer than the top of its estimate */
  overEstimate?: boolean | undefined;
}

const timeoutOf = (c: Component) => (c.run.timeout ? parseDuration(c.run.timeout)! : DEFAULT_TIMEOUT);

async function runOne(
  services: Services,
  c: Component,
  kind: ComponentRun['kind'],
  command: string,
  phase: string,
  record: (r: ComponentRun) => Promise<void>,
): Promise<ComponentRun> {
  const timeoutMs = timeoutOf(c);
  const at = new Date(services.clock.now()).toISOString();
  const elapsed = services.clock.stopwatch();
  let out: ComponentRun | undefined;
  const toRun = (res: CommandResult): ComponentRun => ({
    component: c.name,
    kind,
    ok: res.exitCode === 0 && !res.timedOut,
    command,
    exitCode: res.exitCode,
    durationMs: elapsed(),
    detail: res.timedOut ? `timed out after ${formatTimeout(timeoutMs)}` : `exit ${res.exitCode}`,
    output: services.redactor.text(res.output),
    at,
  });
  await withEffect(
    services,
    { action: `component.${kind}`, phase, data: { component: c.name, command, timeoutMs } },
    () => services.runner.run({ command, cwd: services.baseDir, timeoutMs }),
    (res) => ({ component: c.name, exitCode: res.exitCode, timedOut: res.timedOut, durationMs: res.durationMs }),
    async (res) => {
      out = toRun(res);
      await record(out);
    },
  );
  return out!;
}

/** The pre-switch check: changes nothing but the journal. */
export function checkComponent(services: Services, c: Component, phase: string): Promise<ComponentRun> {
  return runOne(services, c, 'check', c.check!, phase, async () => undefined);
}

/** Switches `c` to green; a switch that failed is switched back at once (it may have half-happened). */
export async function switchComponent(a: {
  services: Services;
  component: Component;
  phase: string;
  toPhase: string;
  state: RolloutState;
  save: (s: RolloutState) => Promise<void>;
}): Promise<{ state: RolloutState; runs: ComponentRun[] }> {
  let state = a.state;
  const run = await runOne(a.services, a.component, 'switch', a.component.run.switch, a.phase, async (r) => {
    if (!r.ok) return;
    state = switchedGreen(state, a.component.name, r.at, a.toPhase, r.durationMs);
    await a.save(state);
  });
  if (run.ok) return { state, runs: [run] };
  const back = await switchBack({ ...a, state, reason: `its switch failed (${run.detail})` });
  return { state: back.state, runs: [run, back.run] };
}

/** Switches `c` back to blue, recorded with its timing (against the component's estimate). */
export async function switchBack(a: {
  services: Services;
  component: Component;
  phase: string;
  state: RolloutState;
  reason: string;
  save: (s: RolloutState) => Promise<void>;
}): Promise<{ state: RolloutState; run: ComponentRun }> {
  let state = a.state;
  const run = await runOne(a.services, a.component, 'switch-back', a.component.run.switchBack, a.phase, async (r) => {
    if (!r.ok) return;
    state = switchedBlue(state, a.component.name, r.at, r.durationMs, a.reason);
    await a.save(state);
  });
  const est = a.component.estimate ? parseEstimate(a.component.estimate) : undefined;
  return {
    state,
    run: { ...run, estimate: a.component.estimate, overEstimate: est !== undefined && run.durationMs > est.max },
  };
}
