import { EXIT_FOR_DECISION } from '../../engine/decide.js';
import { evaluate } from '../../engine/flows/evaluate.js';
import { emitCiOutputs, junitTarget } from '../ci-outputs.js';
import type { GlobalOptions } from '../io.js';
import { decisionJson, renderGate, termWidth } from '../render.js';
import { clockLabel, prepare } from './common.js';
import { phaseServed } from '../../reports/served.js';

export async function checkCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const junit = junitTarget(opts['junit']);
  const { io, loaded, services } = await prepare(planFile, global, 'check');
  const { state, gate, decision } = await evaluate(loaded.plan, services, false);
  const at = new Date(services.clock.now()).toISOString();
  if (global.json) {
    io.json(decisionJson({ plan: loaded.plan.name, decision, gate, state, at, clock: clockLabel(services) }));
  } else {
    const head = `${loaded.plan.name}: phase ${state.phase} (${phaseServed(loaded.plan, state.phase, state.traffic)}) — advance would decide: ${decision.decision}${decision.to && decision.decision === 'advanced' ? ` → ${decision.to}` : ''}`;
    io.out(
      renderGate({ gate, decision, style: io.style, termWidth: termWidth(), headline: head, planFile: loaded.file }),
    );
  }
  await emitCiOutputs({ io, plan: loaded.plan, state, gate, decision, at, junit, planFile: loaded.file });
  return EXIT_FOR_DECISION[decision.decision];
}
