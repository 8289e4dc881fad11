/**
 * The CLI test tier's toolkit: run the BUILT binary (`node bin/rollout.js`) as a child process with no
 * TTY, in a throwaway folder holding a copy of the reference plan and its data, with ROLLOUT_NOW set
 * by a clock the test steps forward. Also: readers for the files the CLI writes (state, journal, flag
 * file, reports) and editors for the files it reads (plan, metrics CSV, incidents).
 *
 * `npm run build` must have run: these tests exercise dist/, not src/.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  type Dirent,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JournalEntry, RolloutState } from '../../src/state/types.js';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(REPO, 'bin', 'rollout.js');
/** The plan inside a sandbox, relative to the sandbox (the cwd of every run). */
export const PLAN = 'plans/recommendations.yaml';
export const PLAN_NAME = 'recommendations-v2';
export const FLAG_KEY = 'recommendations-v2';

/** The reference timeline used across the CLI tests (the bundled data covers 2026-06-17..2026-06-25). */
export const T = {
  /** the checklist is done, pre-deploy is left and canary-5 entered */
  canary5: '2026-06-18T09:00:00Z',
  /** canary-5's 48h soak ends; canary-25 is entered */
  canary25: '2026-06-20T09:00:00Z',
  /** canary-25's 72h soak ends; full is entered */
  full: '2026-06-23T09:00:00Z',
  /** full (100%, no soak) has held its SLOs for a whole 24h window since it was entered: the rollout completes */
  done: '2026-06-24T09:00:00Z',
} as const;

export const ANSI = /\u001b\[[0-9;]*[A-Za-z]/;

/* ------------------------------------------------------------------ clock */

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function ms(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(duration);
  if (!m) throw new Error(`bad duration ${duration}`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** ISO time `duration` after (or, with a leading '-', before) `iso`. */
export function after(iso: string, duration: string): string {
  const neg = duration.startsWith('-');
  const d = ms(neg ? duration.slice(1) : duration);
  return new Date(Date.parse(iso) + (neg ? -d : d)).toISOString();
}

/** The tool's clock for one sandbox: what ROLLOUT_NOW says on the next run. */
export class Clock {
  constructor(public now: string) {}
  set(iso: string): this {
    this.now = new Date(Date.parse(iso)).toISOString();
    return this;
  }
  advance(duration: string): this {
    this.now = after(this.now, duration);
    return this;
  }
}

/* ------------------------------------------------------------------ running the binary */

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** true when the helper had to kill the process (it hung) */
  timedOut: boolean;
  pid: number;
  /** stdout parsed as ONE JSON document (throws, with the output, when it is not) */
  json<T = any>(): T;
}

export interface RunOptions {
  cwd: string;
  /** ROLLOUT_NOW; omit for the wall clock */
  now?: string | undefined;
  /** extra environment; `undefined` removes a variable */
  env?: Record<string, string | undefined>;
  /** kill the process after this long and report timedOut (default 20s) */
  timeoutMs?: number;
  /** written to stdin, then stdin is closed; by default stdin is a pipe left OPEN (a script that never answers) */
  input?: string;
  /** called once the child is spawned (e.g. to kill it) */
  onSpawn?: (pid: number) => void;
}

/** The environment every run starts from: no colour or CI hints leaking in from Jest or the shell. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (
      k.startsWith('ROLLOUT_') ||
      k === 'FORCE_COLOR' ||
      k === 'NO_COLOR' ||
      k === 'CI' ||
      k.startsWith('GITHUB_') ||
      k.startsWith('JEST_') ||
      k === 'NODE_OPTIONS'
    )
      delete env[k];
  }
  env['ROLLOUT_USER'] = 'cli-test';
  return env;
}

export function rollout(args: string[], opts: RunOptions): Promise<CliResult> {
  const env = baseEnv();
  if (opts.now !== undefined) env['ROLLOUT_NOW'] = opts.now;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // a child that exits before reading its stdin must not crash the test with EPIPE
    child.stdin.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      const pid = child.pid ?? -1;
      resolve({
        code,
        signal,
        stdout,
        stderr,
        timedOut,
        pid,
        json<J>() {
          try {
            return JSON.parse(stdout) as J;
          } catch (e) {
            throw new Error(
              `stdout of \`rollout ${args.join(' ')}\` is not one JSON document (${(e as Error).message}):\n${stdout}\n--- stderr:\n${stderr}`,
            );
          }
        },
      });
    });
  });
}

/** A readable failure message for exit-code assertions. */
export function explain(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' TIMED OUT' : ''}\n--- stdout:\n${r.stdout.slice(0, 4000)}\n--- stderr:\n${r.stderr.slice(0, 4000)}`;
}

/* ------------------------------------------------------------------ sandboxes */

const created: string[] = [];

/** A temporary folder of this test file's own, removed with its sandboxes by removeSandboxes(). */
export function tempDir(prefix = 'rollout-tmp-'): string {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(d);
  return d;
}

/** Removes every sandbox made by this test file (call from afterAll). ROLLOUT_KEEP_TMP=1 keeps them. */
/** Asserts the exit code, showing the run's output when it differs. */
export function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

export function removeSandboxes(): void {
  if (process.env['ROLLOUT_KEEP_TMP']) return;
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface MetricRow {
  timestamp: string;
  metric: string;
  cohort: string;
  value: string;
}

/**
 * A temp folder with `plans/recommendations.yaml` and `plans/data/recommendations-metrics.csv`
 * copied from the repo; state, flags and incidents live in `plans/.rollout`, reports in `plans/reports`.
 */
export class Sandbox {
  readonly clock: Clock;
  readonly plan = PLAN;

  private constructor(
    readonly dir: string,
    now: string,
  ) {
    this.clock = new Clock(now);
  }

  static create(opts: { now?: string; editPlan?: (yaml: string) => string } = {}): Sandbox {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-cli-'));
    created.push(dir);
    cpSync(path.join(REPO, 'plans'), path.join(dir, 'plans'), { recursive: true });
    // a developer's local run of the CLI in the repo must not leak into the sandbox
    rmSync(path.join(dir, 'plans', '.rollout'), { recursive: true, force: true });
    rmSync(path.join(dir, 'plans', 'reports'), { recursive: true, force: true });
    const sb = new Sandbox(dir, new Date(Date.parse(opts.now ?? T.canary5)).toISOString());
    if (opts.editPlan) sb.editPlan(opts.editPlan);
    return sb;
  }

  /** A copy of this sandbox (files and clock), for tests that start from a prepared stage. */
  clone(): Sandbox {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rollout-cli-'));
    created.push(dir);
    cpSync(this.dir, dir, { recursive: true });
    return new Sandbox(dir, this.clock.now);
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** `rollout <args>` with ROLLOUT_NOW = the sandbox clock (unless opts.now overrides it). */
  run(args: string[], opts: Omit<RunOptions, 'cwd'> = {}): Promise<CliResult> {
    return rollout(args, { now: this.clock.now, ...opts, cwd: this.dir });
  }

  /** `rollout <command> PLAN <args>` */
  cmd(command: string, args: string[] = [], opts: Omit<RunOptions, 'cwd'> = {}): Promise<CliResult> {
    return this.run([command, this.plan, ...args], opts);
  }

  /** `rollout <command> PLAN <args> --json`, asserting the exit code; returns the parsed document. */
  async json<J = any>(
    command: string,
    args: string[] = [],
    expectCode?: number,
    opts: Omit<RunOptions, 'cwd'> = {},
  ): Promise<J> {
    const r = await this.cmd(command, [...args, '--json'], opts);
    if (expectCode !== undefined && r.code !== expectCode)
      throw new Error(`expected exit ${expectCode} from \`rollout ${command} ${args.join(' ')}\`, got ${explain(r)}`);
    return r.json<J>();
  }

  /* ---------------- files the CLI writes */

  get stateFile(): string {
    return this.path('plans', '.rollout', `${PLAN_NAME}.state.json`);
  }
  get journalFile(): string {
    return this.path('plans', '.rollout', `${PLAN_NAME}.journal.jsonl`);
  }
  get flagFile(): string {
    return this.path('plans', '.rollout', 'flags.json');
  }
  reportFile(phase: string, ext: 'md' | 'json'): string {
    return this.path('plans', 'reports', PLAN_NAME, `${phase}.${ext}`);
  }

  state(): RolloutState | undefined {
    return existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as RolloutState) : undefined;
  }
  /** the journal's entries: the bundled plan's, or those of the journal file given */
  journal(file: string = this.journalFile): JournalEntry[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as JournalEntry);
  }
  /** the flagd document, or undefined when no flag file was written */
  flagDoc(): ({ flags: Record<string, FlagdFlag> } & Record<string, unknown>) | undefined {
    return existsSync(this.flagFile) ? JSON.parse(readFileSync(this.flagFile, 'utf8')) : undefined;
  }
  /** the plan's flag in the flag file */
  flag(): FlagdFlag | undefined {
    return this.flagDoc()?.flags[FLAG_KEY];
  }
  /** the traffic the flag file serves, from rollout's metadata; 0 when there is no flag */
  flagTraffic(): number {
    const f = this.flag();
    return f ? Number(f.metadata?.['traffic'] ?? NaN) : 0;
  }
  report(phase: string, ext: 'md'): string;
  report(phase: string, ext: 'json'): any;
  report(phase: string, ext: 'md' | 'json'): unknown {
    const text = readFileSync(this.reportFile(phase, ext), 'utf8');
    return ext === 'json' ? JSON.parse(text) : text;
  }
  /** every file under plans/.rollout and plans/reports with its content: to prove nothing changed */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
      const abs = this.path(rel);
      if (!existsSync(abs)) return;
      for (const e of readdirSyncSafe(abs)) {
        const r = path.join(rel, e.name);
        if (e.isDirectory()) walk(r);
        else out[r] = readFileSync(this.path(r), 'utf8');
      }
    };
    walk(path.join('plans', '.rollout'));
    walk(path.join('plans', 'reports'));
    return out;
  }

  /* ---------------- files the CLI reads */

  editPlan(fn: (yaml: string) => string): void {
    const file = this.path(PLAN);
    const before = readFileSync(file, 'utf8');
    const next = fn(before);
    if (next === before) throw new Error('editPlan changed nothing: the pattern did not match the plan');
    writeFileSync(file, next);
  }

  get metricsFile(): string {
    return this.path('plans', 'data', 'recommendations-metrics.csv');
  }
  metrics(): MetricRow[] {
    return readCsv(readFileSync(this.metricsFile, 'utf8'));
  }
  writeMetrics(rows: MetricRow[]): void {
    writeFileSync(this.metricsFile, toCsv(rows));
  }
  /** Rewrites the metrics CSV: `fn` returns the row (changed or not), or null to drop it. */
  editMetrics(fn: (row: MetricRow) => MetricRow | null): void {
    this.writeMetrics(this.metrics().flatMap((r) => fn(r) ?? []));
  }
  /** Sets one sample's value (the row at that exact time, metric and cohort must exist). */
  setMetric(at: string, metric: string, cohort: string, value: string | number): void {
    const t = Date.parse(at);
    let hit = 0;
    this.editMetrics((r) => {
      if (r.metric === metric && r.cohort === cohort && Date.parse(r.timestamp) === t) {
        hit++;
        return { ...r, value: String(value) };
      }
      return r;
    });
    if (hit !== 1) throw new Error(`setMetric: ${hit} rows at ${at} for ${metric}/${cohort}`);
  }

  writeIncidents(
    list: { id: string; severity: string; status: 'open' | 'resolved'; title: string; openedAt?: string }[],
  ): void {
    const file = this.path('plans', '.rollout', 'incidents.json');
    cpMkdir(path.dirname(file));
    writeFileSync(file, JSON.stringify(list, null, 2));
  }

  writeFile(rel: string, content: string | Buffer): string {
    const file = this.path(rel);
    cpMkdir(path.dirname(file));
    writeFileSync(file, content);
    return file;
  }
}

export interface FlagdFlag {
  state: string;
  variants: Record<string, unknown>;
  defaultVariant: string;
  targeting?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

function cpMkdir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

function readdirSyncSafe(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
}

/* ------------------------------------------------------------------ metrics CSV */

export function readCsv(text: string): MetricRow[] {
  const [header, ...lines] = text.split(/\r?\n/);
  if (header?.trim() !== 'timestamp,metric,cohort,value') throw new Error(`unexpected CSV header ${header}`);
  return lines
    .filter((l) => l.trim())
    .map((l) => {
      const [timestamp, metric, cohort, value] = l.split(',') as [string, string, string, string];
      return { timestamp, metric, cohort, value };
    });
}

export function toCsv(rows: MetricRow[]): string {
  return `${[
    'timestamp,metric,cohort,value',
    ...rows.map((r) => `${r.timestamp},${r.metric},${r.cohort},${r.value}`),
  ].join('\n')}\n`;
}

/** Rows every `step` from `from` to `to` (inclusive) for one metric and cohort. */
export function series(args: {
  metric: string;
  cohort: string;
  from: string;
  to: string;
  step?: string;
  value: (t: number, i: number) => number | string;
}): MetricRow[] {
  const out: MetricRow[] = [];
  const step = ms(args.step ?? '15m');
  for (let t = Date.parse(args.from), i = 0; t <= Date.parse(args.to); t += step, i++) {
    out.push({
      timestamp: new Date(t).toISOString().replace('.000Z', 'Z'),
      metric: args.metric,
      cohort: args.cohort,
      value: String(args.value(t, i)),
    });
  }
  return out;
}

/* ------------------------------------------------------------------ prepared stages */

export type Stage = 'start' | 'canary-5' | 'canary-5-approved' | 'canary-25' | 'full';

/**
 * Walks a sandbox through the reference rollout with the CLI itself, asserting each step:
 * - `canary-5`: at T.canary5, checklist --yes, approve, advance (canary-5 entered at T.canary5)
 * - `canary-5-approved`: canary-5, then at T.canary25 (soak over) approve --by tech-lead; clock at T.canary25
 * - `canary-25`: at T.canary25 approve + advance (entered at T.canary25)
 * - `full`: at T.full approve + advance (entered at T.full)
 */
async function build(stage: Stage, from?: Sandbox): Promise<Sandbox> {
  const must = async (sb: Sandbox, args: string[], code = 0) => {
    const r = await sb.cmd(args[0]!, args.slice(1));
    if (r.code !== code)
      throw new Error(`preparing stage ${stage}: \`rollout ${args.join(' ')}\` at ${sb.clock.now}: ${explain(r)}`);
    return r;
  };
  switch (stage) {
    case 'start':
      return Sandbox.create({ now: T.canary5 });
    case 'canary-5': {
      const sb = from ?? Sandbox.create({ now: T.canary5 });
      sb.clock.set(T.canary5);
      await must(sb, ['checklist', '--yes']);
      await must(sb, ['approve', '--by', 'tech-lead']);
      await must(sb, ['advance']);
      return sb;
    }
    case 'canary-5-approved': {
      const sb = from!;
      sb.clock.set(T.canary25);
      await must(sb, ['approve', '--by', 'tech-lead']);
      return sb;
    }
    case 'canary-25': {
      const sb = from!;
      sb.clock.set(T.canary25);
      await must(sb, ['approve', '--by', 'tech-lead']);
      await must(sb, ['advance']);
      return sb;
    }
    case 'full': {
      const sb = from!;
      sb.clock.set(T.full);
      await must(sb, ['approve', '--by', 'tech-lead']);
      await must(sb, ['advance']);
      return sb;
    }
  }
}

const PREVIOUS: Record<Stage, Stage | undefined> = {
  start: undefined,
  'canary-5': undefined,
  'canary-5-approved': 'canary-5',
  'canary-25': 'canary-5',
  full: 'canary-25',
};
const stages = new Map<Stage, Promise<Sandbox>>();

/**
 * A fresh copy of a prepared stage. Each stage is built once per test file (through the CLI) and
 * cloned for every test, so tests stay independent without paying for the walk each time.
 */
export async function atStage(stage: Stage): Promise<Sandbox> {
  if (!stages.has(stage)) {
    const prev = PREVIOUS[stage];
    stages.set(stage, (async () => build(stage, prev ? await atStage(prev) : undefined))());
  }
  return (await stages.get(stage)!).clone();
}
