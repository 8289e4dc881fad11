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

const timeoutOf = (c: Component) => (c.run?.timeout ? parseDuration(c.run.timeout)! : DEFAULT_TIMEOUT);

type Outcome = CommandResult & { detail?: string | undefined };
interface Act {
  /** the command, or `flag KEY on|off` */
  label: string;
  data: Record<string, unknown>;
  run: () => Promise<Outcome>;
}

/** A command of the component's, through the runner. */
function commandAct(services: Services, c: Component, command: string): Act {
  const timeoutMs = timeoutOf(c);
  return {
    label: command,
    data: { command, timeoutMs },
    run: async () => {
      const res = await services.runner.run({ command, cwd: services.baseDir, timeoutMs });
      return { ...res, detail: res.timedOut ? `timed out after ${formatTimeout(timeoutMs)}` : `exit ${res.exitCode}` };
    },
  };
}

/** A component's own boolean flag, switched whole through the plan's flag provider and read back. */
function flagAct(services: Services, c: Component, on: boolean, planName: string): Act {
  const key = c.flag!.key;
  return {
    label: `flag ${key} ${on ? 'on' : 'off'}`,
    data: { provider: services.providers.flagName, flag: key, target: { traffic: on ? 100 : 0 } },
    run: async () => {
      const elapsed = services.clock.stopwatch();
      try {
        const flags = await services.providers.flags();
        const comment = `rollout ${planName}: component ${c.name} ${on ? 'switched to green' : 'switched back to blue'}`;
        const st = on
          ? await flags.setTraffic({ flag: key, traffic: 100, audience: undefined, comment })
          : await flags.disable({ flag: key, comment });
        const ok = on ? st.enabled && st.traffic >= 99.999 : !st.enabled || st.traffic === 0;
        const serves = st.enabled ? `${st.traffic}%` : 'off';
        return {
          exitCode: ok ? 0 : 1,
          output: '',
          durationMs: elapsed(),
          timedOut: false,
          detail: ok ? `flag ${key} ${serves}` : `flag ${key} reads back ${serves}`,
        };
      } catch (e) {
        // the provider refused: the switch did not happen as asked (a failed switch is switched back)
        const detail = `flag ${key}: ${services.redactor.text((e as Error).message)}`;
        return { exitCode: 1, output: '', durationMs: elapsed(), timedOut: false, detail };
      }
    },
  };
}

async function runOne(
  services: Services,
  c: Component,
  kind: ComponentRun['kind'],
  act: Act,
  phase: string,
  record: (r: ComponentRun) => Promise<void>,
): Promise<ComponentRun> {
  const at = new Date(services.clock.now()).toISOString();
  const elapsed = services.clock.stopwatch();
  let out: ComponentRun | undefined;
  const toRun = (res: Outcome): ComponentRun => ({
    component: c.name,
    kind,
    ok: res.exitCode === 0 && !res.timedOut,
    command: act.label,
    exitCode: res.exitCode,
    durationMs: elapsed(),
    detail: res.detail ?? `exit ${res.exitCode}`,
    output: services.redactor.text(res.output),
    at,
  });
  await withEffect(
    services,
    { action: `component.${kind}`, phase, data: { component: c.name, ...act.data } },
    act.run,
    (res) => ({
      component: c.name,
      exitCode: res.exitCode,
      timedOut: res.timedOut,
      durationMs: res.durationMs,
      detail: res.detail,
    }),
    async (res) => {
      out = toRun(res);
      await record(out);
    },
  );
  return out!;
}

/** The pre-switch check: changes nothing but the journal. */
export function checkComponent(services: Services, c: Component, phase: string): Promise<ComponentRun> {
  return runOne(services, c, 'check', commandAct(services, c, c.check!), phase, async () => undefined);
}

/** Switches `c` to green; a switch that failed is switched back at once (it may have half-happened). */
export async function switchComponent(a: {
  services: Services;
  component: Component;
  phase: string;
  toPhase: string;
  planName: string;
  state: RolloutState;
  save: (s: RolloutState) => Promise<void>;
}): Promise<{ state: RolloutState; runs: ComponentRun[] }> {
  let state = a.state;
  const act = a.component.run
    ? commandAct(a.services, a.component, a.component.run.switch)
    : flagAct(a.services, a.component, true, a.planName);
  const run = await runOne(a.services, a.component, 'switch', act, a.phase, async (r) => {
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
  planName: string;
  reason: string;
  save: (s: RolloutState) => Promise<void>;
}): Promise<{ state: RolloutState; run: ComponentRun }> {
  let state = a.state;
  const act = a.component.run
    ? commandAct(a.services, a.component, a.component.run.switchBack)
    : flagAct(a.services, a.component, false, a.planName);
  const run = await runOne(a.services, a.component, 'switch-back', act, a.phase, async (r) => {
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
