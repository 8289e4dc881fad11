/**
 * The CI outputs of `check` and `advance`, wired in one place: `--junit FILE` (each criterion a test
 * case), the Markdown summary appended to `GITHUB_STEP_SUMMARY`, and `::error::`/`::warning::`
 * annotations when `GITHUB_ACTIONS` is set. Every text is redacted. The JUnit path is checked before
 * the gate runs (a bad path is a usage error that changes nothing); once the decision is taken, a file
 * that cannot be written is a warning, never a different exit code.
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Decision } from '../engine/decide.js';
import { RolloutError } from '../errors.js';
import type { GateResult } from '../gates/types.js';
import type { Plan } from '../plan/schema.js';
import { redact } from '../redact.js';
import { annotations, type GateSummaryInput, stepSummary } from '../reports/ci.js';
import { junitXml } from '../reports/junit.js';
import type { RolloutState } from '../state/types.js';
import type { Io } from './io.js';
import { phaseServed } from '../reports/served.js';

/** Resolves and checks `--junit FILE` before anything runs: its folder must exist, and it is not a folder. */
export function junitTarget(value: unknown): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'string' || !value.trim())
    throw new RolloutError('usage', '--junit needs the path of the file to write', {
      hint: 'e.g. --junit reports/rollout-junit.xml',
    });
  const file = path.resolve(value);
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new RolloutError('usage', `--junit ${value}: the folder ${dir} does not exist`, {
      hint: 'create the folder first, or write the file somewhere that exists',
    });
  if (existsSync(file) && statSync(file).isDirectory())
    throw new RolloutError('usage', `--junit ${value}: ${file} is a folder`, { hint: 'name a file' });
  return file;
}

export async function emitCiOutputs(args: {
  io: Io;
  plan: Plan;
  state: RolloutState;
  gate: GateResult;
  decision: Decision;
  at: string;
  junit: string | undefined;
  planFile: string;
  dryRun?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<void> {
  const { io, plan, gate, decision } = args;
  const env = args.env ?? process.env;
  const traffic = plan.phases.find((p) => p.name === decision.from)?.traffic ?? args.state.traffic;
  const input: GateSummaryInput = {
    plan: plan.name,
    phase: decision.from,
    traffic,
    served: phaseServed(plan, decision.from, traffic),
    decision: decision.decision,
    to: decision.to,
    reasons: decision.reasons,
    criteria: gate.criteria,
    lang: plan.reports.language ?? 'en',
    dryRun: args.dryRun,
  };
  if (args.junit) {
    const xml = redact(
      junitXml({
        plan: plan.name,
        phase: decision.from,
        at: args.at,
        decision: decision.decision,
        criteria: gate.criteria,
      }),
    );
    try {
      const { default: writeFileAtomic } = await import('write-file-atomic');
      await writeFileAtomic(args.junit, xml);
    } catch (e) {
      io.log.warn(`could not write the JUnit file ${args.junit}: ${(e as Error).message}`);
    }
  }
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  if (summaryFile) {
    try {
      appendFileSync(summaryFile, redact(stepSummary(input)));
    } catch (e) {
      io.log.warn(`could not append to GITHUB_STEP_SUMMARY (${summaryFile}): ${(e as Error).message}`);
    }
  }
  if (env['GITHUB_ACTIONS'] === 'true') {
    const rel = path.relative(process.cwd(), path.resolve(args.planFile)) || args.planFile;
    // the runner reads workflow commands from stdout; under --json stdout holds only the JSON document
    for (const line of annotations(input, rel)) {
      if (io.opts.json) io.err(redact(line));
      else io.out(redact(line));
    }
  }
}
