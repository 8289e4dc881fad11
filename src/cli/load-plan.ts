/** Reads and validates a plan file at the edge; problems become one RolloutError('plan') listing them all. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RolloutError } from '../errors.js';
import { formatIssue } from '../plan/issues.js';
import { MAX_PLAN_BYTES } from '../plan/document.js';
import { validatePlan, type ValidatedPlan } from '../plan/validate.js';
import { addSecret } from '../redact.js';
import type { Io } from './io.js';

export interface LoadedPlan extends ValidatedPlan {
  file: string;
  baseDir: string;
}

export function readPlanText(file: string): string {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new RolloutError('usage', `cannot read the plan ${file}: no such file`, { hint: 'give the path of a plan YAML file, e.g. plans/recommendations.yaml' });
  }
  if (st.isDirectory()) throw new RolloutError('usage', `${file} is a folder, not a plan file`);
  if (st.size > MAX_PLAN_BYTES) {
    throw new RolloutError('plan', `${file}:1:1 the file is ${st.size} bytes; a plan is at most ${MAX_PLAN_BYTES} bytes`, { hint: 'is this the right file?' });
  }
  const buf = readFileSync(file);
  if (buf.includes(0)) throw new RolloutError('plan', `${file}:1:1 the file is binary, not a YAML plan`);
  return new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

export function loadPlan(file: string, io: Io | undefined, env: NodeJS.ProcessEnv = process.env): LoadedPlan {
  const text = readPlanText(file);
  const r = validatePlan(text, env);
  for (const w of r.warnings) io?.log.warn(formatIssue(file, w).replace(/ warning: /, ' '));
  if (!r.value) {
    const n = r.errors.length;
    throw new RolloutError('plan', `${file}: ${n} problem${n === 1 ? '' : 's'} in the plan`, { details: r.errors.map((i) => formatIssue(file, i)) });
  }
  for (const s of r.value.secrets) addSecret(s);
  for (const role of Object.values(r.value.providerSettings)) {
    for (const settings of Object.values(role)) {
      for (const [k, v] of Object.entries(settings as Record<string, unknown>)) if (typeof v === 'string' && /token|key|secret|password|webhook/i.test(k)) addSecret(v);
    }
  }
  return { ...r.value, file, baseDir: path.dirname(path.resolve(file)) };
}
