/**
 * Reads and validates a plan file at the edge; problems become one RolloutError('plan') listing them
 * all. Validation results are cached by content (the plan's bytes, the values of the environment
 * variables it names, the tool's version), so commands run on a schedule skip yaml and zod entirely.
 * Plans whose placeholders expanded are never cached: the result would hold their secrets.
 */
import { createHash } from 'node:crypto';
import { readFileSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { RolloutError } from '../errors.js';
import { formatIssue, type PlanIssue } from '../plan/issues.js';
import { MAX_PLAN_BYTES } from '../plan/limits.js';
import type { ValidatedPlan, ValidationResult } from '../plan/validate.js';
import { addSecret, SECRET_KEY } from '../redact.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import { openCache, readEntry, writeEntry, type CacheDir } from './plan-cache.js';

export interface LoadedPlan extends ValidatedPlan {
  file: string;
  baseDir: string;
}

export function readPlanText(file: string): string {
  let st: Stats;
  try {
    st = statSync(file);
  } catch {
    throw new RolloutError('usage', `cannot read the plan ${file}: no such file`, {
      hint: 'give the path of a plan YAML file, e.g. plans/recommendations.yaml',
    });
  }
  if (st.isDirectory()) throw new RolloutError('usage', `${file} is a folder, not a plan file`);
  if (st.size > MAX_PLAN_BYTES) {
    throw new RolloutError(
      'plan',
      `${file}:1:1 the file is ${st.size} bytes; a plan is at most ${MAX_PLAN_BYTES} bytes`,
      { hint: 'is this the right file?' },
    );
  }
  const buf = readFileSync(file);
  if (buf.includes(0)) throw new RolloutError('plan', `${file}:1:1 the file is binary, not a YAML plan`);
  return new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

export async function validateText(
  text: string,
  env: NodeJS.ProcessEnv,
  warn?: (message: string) => void,
): Promise<ValidationResult> {
  const opened = openCache(env);
  if (opened && 'refused' in opened) warn?.(opened.refused);
  const cache = opened && 'dir' in opened ? opened : undefined;
  const key = cacheKey(text, env);
  const cached = readCache(cache, key);
  if (cached) return cached;
  // one after the other: both import zod, and Jest's ES-module loader fails on two concurrent first loads
  const { validatePlan } = await import('../plan/validate.js');
  const { providerRegistry } = await import('../providers/registry.js');
  const r = validatePlan(text, env, providerRegistry);
  if (r.value && r.value.secrets.length === 0 && r.value.sources.size === 0 && cache) {
    writeCache(cache, key, r);
    // the next runs of this plan skip the validator: this run's bytecode is not theirs (bin/bundle-runner.js)
    (globalThis as Record<symbol, unknown>)[Symbol.for('rollout.code-cache.one-off')] = true;
  }
  return r;
}

export async function loadPlan(
  file: string,
  io: Io | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedPlan> {
  const text = readPlanText(file);
  const r = await validateText(text, env, (m) => io?.log.warn(m));
  for (const w of r.warnings) io?.log.warn(formatIssue(file, w).replace(/ warning: /, ' '));
  if (!r.value) {
    const n = r.errors.length;
    throw new RolloutError('plan', `${file}: ${n} problem${n === 1 ? '' : 's'} in the plan`, {
      details: r.errors.map((i) => formatIssue(file, i)),
    });
  }
  registerSecrets(r.value);
  return { ...r.value, file, baseDir: path.dirname(path.resolve(file)) };
}

/** Registers the plan's secrets for redaction: those from the environment, and literal credentials. */
export function registerSecrets(value: ValidatedPlan): void {
  for (const s of value.secrets) addSecret(s);
  // Literal secrets too (validation warned about them), nested ones such as headers.Authorization
  // included; a notifier's url is a webhook URL: the URL is the credential.
  const register = (v: unknown, key: string, notifier: boolean): void => {
    if (typeof v === 'string') {
      if (SECRET_KEY.test(key) || (notifier && /url$/i.test(key))) addSecret(v);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) register(x, k, notifier);
  };
  for (const [role, byName] of Object.entries(value.providerSettings))
    for (const settings of Object.values(byName)) register(settings, '', role === 'notifications');
}

// ---- the validation cache (./plan-cache.ts keeps it safe)

/**
 * In the bundle, a digest of every module of the build (scripts/bundle.mjs defines it); in the tsc
 * output, not defined.
 */
declare const ROLLOUT_BUILD_ID: string | undefined;

/** The build of the validator itself: a rebuilt rule or schema must not be answered from the cache. */
function validatorStamp(): string {
  // the bundle holds the validator: its build is the stamp (no file to stat on every start)
  if (typeof ROLLOUT_BUILD_ID === 'string') return `bundle:${ROLLOUT_BUILD_ID}`;
  try {
    return [
      '../plan/validate.js',
      '../plan/rules.js',
      '../plan/schema.js',
      '../plan/document.js',
      '../plan/placeholders.js',
      '../plan/secrets.js',
      '../providers/registry.js',
    ]
      .map((f) => String(statSync(new URL(f, import.meta.url)).mtimeMs))
      .join(',');
  } catch {
    return String(Date.now());
  }
}

function cacheKey(text: string, env: NodeJS.ProcessEnv): string {
  // `${NAME}` placeholders and the shell's own `$NAME` in run: and command queries (whose secret-named
  // values are masked): a change in any of them is another validation
  const names = [...new Set([...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!))].sort();
  const h = createHash('sha256').update(VERSION).update('\0').update(validatorStamp()).update('\0').update(text);
  for (const n of names) h.update(`\0${n}=${env[n] === undefined ? '\u0001' : env[n]}`);
  return h.digest('hex');
}

interface CacheEntry {
  plan: ValidatedPlan['plan'];
  providerSettings: ValidatedPlan['providerSettings'];
  warnings: PlanIssue[];
}

function readCache(cache: CacheDir | undefined, key: string): ValidationResult | undefined {
  if (!cache) return undefined;
  const body = readEntry(cache, key);
  if (body === undefined) return undefined;
  try {
    const e = JSON.parse(body) as CacheEntry;
    return {
      value: { plan: e.plan, providerSettings: e.providerSettings, sources: new Map(), secrets: [] },
      errors: [],
      warnings: e.warnings,
    };
  } catch {
    return undefined;
  }
}

function writeCache(cache: CacheDir | undefined, key: string, r: ValidationResult): void {
  if (!cache || !r.value) return;
  const entry: CacheEntry = { plan: r.value.plan, providerSettings: r.value.providerSettings, warnings: r.warnings };
  writeEntry(cache, key, JSON.stringify(entry));
}
