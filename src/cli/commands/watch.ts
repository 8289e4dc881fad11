/**
 * `rollout watch PLAN --every 10m [--until eligible|done] [--for 24h] [--max-checks N] [--advance]
 * [--apply-contingency]`: the same check as `rollout check` (or, with --advance, the same advance as
 * `rollout advance`, under the plan's lock for each step) on a schedule. On a terminal a live view
 * redrawn in place; otherwise one line per check; --json, one document when it ends. Stakeholders are
 * told of changes only. With ROLLOUT_NOW set the clock is simulated: the watch never sleeps, the clock
 * moves on by --every between checks. See watch-loop.ts for when it stops.
 */
import { advance } from '../../engine/flows/advance.js';
import { evaluate } from '../../engine/flows/evaluate.js';
import { loadState } from '../../engine/session.js';
import { RolloutError } from '../../errors.js';
import { countdown } from '../../reports/countdown.js';
import type { GlobalOptions } from '../io.js';
import { criterionJson, renderGate, termWidth } from '../render.js';
import { runWatch, type CheckResult } from '../watch-loop.js';
import { clockLabel, prepare } from './common.js';
import { type Seen, changeNotifier, readBounds, watchLine } from './watch-parts.js';
import { LiveView } from './watch-view.js';
import { phaseServed } from '../../reports/served.js';

export async function watchCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const bounds = readBounds(opts);
  const applyContingency = Boolean(opts['applyContingency']);
  const ctx = await prepare(planFile, global, 'watch', { seedOwned: bounds.act });
  const { io, loaded, services } = ctx;
  const { plan } = loaded;
  const live = !global.json && io.stdoutTTY ? new LiveView(io, global) : undefined;

  // a signal ends the watch between checks; an acting step under way finishes (and releases its lock)
  let stopping = false;
  let wake: (() => void) | undefined;
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    stopping = true;
    io.log.info(`${sig}: the watch stops after the check under way`);
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const checks: Seen[] = [];
  const notifyChange = changeNotifier(plan, services, (await loadState(plan, services)).lastHeldKey);
  try {
    const end = await runWatch<CheckResult & { seen?: Seen }>(
      bounds,
      {
        now: () => services.clock.now(),
        stopping: () => stopping,
        sleep: async (ms) => {
          if (services.clock.advance) {
            services.clock.advance(ms);
            return;
          }
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, ms);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = undefined;
        },
        check: async (n) => {
          const state = await loadState(plan, services);
          const at = new Date(services.clock.now()).toISOString();
          if (state.status === 'completed' || state.status === 'rolled-back' || state.status === 'rolling-back')
            return {
              kind: 'inactive',
              status: state.status,
              seen: { n, at, phase: state.phase, status: state.status },
            };
          try {
            const o = bounds.act
              ? await advance(plan, services, { applyContingency })
              : { ...(await evaluate(plan, services, false)), at, notifications: [] };
            const cd = countdown(o.gate, services.clock.now());
            const seen: Seen = {
              n,
              at: o.at,
              phase: o.decision.from,
              traffic: o.state.traffic,
              served: phaseServed(plan, o.state.phase, o.state.traffic),
              decision: o.decision,
              gate: o.gate,
              observations: 'observations' in o ? o.observations : undefined,
              countdown: cd.text,
              notified: o.notifications.filter((x) => x.ok).map((x) => x.notifier),
            };
            if (!bounds.act) seen.notified = await notifyChange(o.decision, o.gate, o.state);
            return { kind: 'decision', decision: o.decision.decision, seen };
          } catch (e) {
            if (e instanceof RolloutError && e.code === 'locked')
              return { kind: 'skipped', reason: e.message, seen: { n, at, skipped: e.message } };
            throw e;
          }
        },
      },
      async (r) => {
        if (!r.seen) return;
        checks.push(r.seen);
        if (global.json) return;
        if (live) await live.draw({ plan, seen: r.seen, bounds });
        else io.out(watchLine(r.seen, io.style, bounds.act));
      },
    );
    const lastSeen = checks.at(-1);
    if (global.json) {
      io.json({
        plan: plan.name,
        every: opts['every'] ?? '10m',
        until: bounds.until,
        advance: bounds.act,
        stopped: end.reason,
        exitCode: end.exitCode,
        decision: lastSeen?.decision?.decision ?? null,
        contingency: lastSeen?.decision?.contingency ?? null,
        checks: checks.map((c) => ({
          n: c.n,
          at: c.at,
          phase: c.phase ?? null,
          traffic: c.traffic ?? null,
          status: c.status ?? null,
          decision: c.decision?.decision ?? null,
          to: c.decision?.to ?? null,
          eligibleAt: c.gate?.eligibleAt ?? null,
          countdown: c.countdown ?? null,
          criteria: c.gate?.criteria.map(criterionJson) ?? [],
          notified: c.notified ?? [],
          skipped: c.skipped ?? null,
        })),
        clock: clockLabel(services),
      });
    } else {
      live?.finish();
      if (end.reason === 'failed' && lastSeen?.gate && lastSeen.decision)
        io.out(
          renderGate({
            gate: lastSeen.gate,
            decision: lastSeen.decision,
            style: io.style,
            termWidth: termWidth(),
            headline: io.style.red(`gate failed in ${lastSeen.decision.from}`),
            planFile: loaded.file,
          }),
        );
      io.out(`watch ended: ${STOPPED[end.reason]} after ${end.checks} check${end.checks === 1 ? '' : 's'}`);
    }
    return end.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const STOPPED: Record<string, string> = {
  eligible: 'the gate would pass',
  advanced: 'advanced',
  done: 'the rollout is over',
  failed: 'the gate failed',
  bound: 'its bound was reached',
  signal: 'stopped by a signal',
};
