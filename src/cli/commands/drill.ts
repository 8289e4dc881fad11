/**
 * `rollout drill PLAN [--scenario latency|errors|incident] [--dir DIR]`: the seed's hands-on session.
 * The plan, made harmless (src/drill/scenario.ts), runs in a scratch folder on a simulated clock: the
 * checklist, the approval and the first advance; then the scenario strikes (a canary metric beyond its
 * bound, or an open incident); the trainee sees the gate catch it, applies the contingency and rolls
 * back, each step by the real `rollout` binary with ROLLOUT_NOW; the drill ends with what a real
 * rollback of this plan would have done. On a terminal it asks the trainee what to do before it shows
 * what the plan says; with --yes or without a terminal it narrates. Exit 0 when the drill went as a
 * drill should (the problem caught, the rollout rolled back), 1 otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  breaching,
  drillMetrics,
  drillPlan,
  horizonMs,
  SCENARIOS,
  type Scenario,
  targetOf,
} from '../../drill/scenario.js';
import { RolloutError } from '../../errors.js';
import { parseDuration, parseEstimate, formatDuration } from '../../plan/duration.js';
import type { Plan } from '../../plan/schema.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

const H = 3_600_000;
const EXIT_MEANING: Record<number, string> = {
  0: 'done',
  1: 'error',
  2: 'refused',
  3: 'held',
  4: 'gate failed',
  5: 'locked',
};

interface StepResult {
  step: string;
  at: string;
  command: string;
  exitCode: number | null;
  output: unknown;
}

export async function drillCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const scenario = String(opts['scenario'] ?? 'latency') as Scenario;
  if (!SCENARIOS.includes(scenario))
    throw new RolloutError('usage', `there is no drill scenario "${scenario}"`, {
      hint: `use ${SCENARIOS.join(', ')}`,
    });
  const { io, loaded, services } = await prepare(planFile, global, 'drill');
  const plan = loaded.plan;
  const dir = scratchFolder(opts['dir'] as string | undefined);
  const drill = drillPlan(plan);
  const { stringify } = await import('yaml');
  const t0 = Math.floor(services.clock.now() / (5 * 60_000)) * 5 * 60_000;
  const windowMs = parseDuration(plan.advance.sloWindow ?? '1h') ?? H;
  const strike = t0 + H;
  const target = targetOf(drill.metrics, scenario);
  if (scenario !== 'incident' && !target)
    throw new RolloutError('usage', `the plan has no metric with an SLO for the "${scenario}" scenario`, {
      hint: 'use --scenario incident',
    });
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  mkdirSync(path.join(dir, '.rollout'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'plan.yaml'), stringify(drill.doc));
  const breach = target && { metric: target.name, at: strike, value: breaching(target) };
  writeFileSync(
    path.join(dir, 'data', 'drill-metrics.csv'),
    drillMetrics(drill.metrics, t0 - windowMs - H, t0 + horizonMs(plan), breach),
  );
  writeFileSync(path.join(dir, '.rollout', 'incidents.json'), '[]\n', { mode: 0o600 });

  const steps: StepResult[] = [];
  const say = (text: string) => {
    if (!global.json) io.out(text);
  };
  const run = (step: string, at: number, args: string[]): StepResult => {
    const r = spawnSync(
      process.execPath,
      [process.argv[1]!, ...args, 'plan.yaml', ...(global.json ? ['--json'] : [])],
      {
        cwd: dir,
        env: { ...process.env, ROLLOUT_NOW: new Date(at).toISOString(), NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    const result: StepResult = {
      step,
      at: new Date(at).toISOString(),
      command: `rollout ${args.join(' ')}`,
      exitCode: r.status,
      output: global.json ? parseJson(r.stdout) : r.stdout.trimEnd(),
    };
    steps.push(result);
    say(
      `\n── ${step} · ${result.at} · $ ${result.command} → exit ${r.status} (${EXIT_MEANING[r.status ?? 1] ?? 'error'})`,
    );
    say(indent(`${r.stdout}${r.stderr}`.trimEnd()));
    return result;
  };

  /** the same command with --json, not shown: what the drill needs to know to go on */
  const peek = (at: number, args: string[]): Record<string, unknown> => {
    const r = spawnSync(process.execPath, [process.argv[1]!, ...args, 'plan.yaml', '--json'], {
      cwd: dir,
      env: { ...process.env, ROLLOUT_NOW: new Date(at).toISOString(), NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const doc = parseJson(r.stdout);
    return doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
  };

  say(`Drill "${scenario}" on ${plan.name}, in ${dir} (simulated clock from ${new Date(t0).toISOString()}).`);
  for (const l of drill.left) say(`  left out: ${l}`);
  const first = plan.phases[0]!;
  run('1. the pre-deploy checklist', t0, ['checklist', '--yes']);
  const approvals = first.advance?.approvals ?? plan.advance.approvals;
  for (const a of (approvals?.approvers ?? []).slice(0, approvals?.required ?? 0))
    run('2. the committee approves', t0, ['approve', '--by', typeof a === 'string' ? a : a.name]);
  const entered = run('3. the rollout starts', t0, ['advance']);

  if (scenario === 'incident') {
    const severity = plan.advance.noOpenIncidents || 'critical';
    writeFileSync(
      path.join(dir, '.rollout', 'incidents.json'),
      `${JSON.stringify([{ id: 'DRILL-1', severity, status: 'open', title: 'Drill: users report wrong recommendations', openedAt: new Date(strike).toISOString() }], null, 2)}\n`,
    );
    say(`\nAn hour in, an incident of severity ${severity} is opened (.rollout/incidents.json).`);
  } else {
    say(
      `\nAn hour in, ${target!.name} on the canary goes to ${breach!.value}${target!.unit ? ` ${target!.unit}` : ''}.`,
    );
  }
  const caught = run('4. the gate catches it', strike + H, ['check']);
  const advised = peek(strike + H, ['check'])['contingency'] as { level?: string; action?: string } | undefined;
  const level = advised?.level ?? 'none';
  const action = advised?.action ?? 'hold';
  say(`\nThe plan says: a ${level} problem → ${action}.`);
  if (!global.json && !global.yes && io.stdinTTY && io.stdoutTTY) {
    const pick = await services.prompt.choose({
      message: 'What do you do now?',
      choices: [
        { name: 'apply the contingency of the plan (rollout advance --apply-contingency)', value: 'contingency' },
        { name: 'roll everything back at once (rollout rollback)', value: 'rollback' },
        { name: 'wait and watch', value: 'wait' },
      ],
    });
    say(
      pick === 'contingency'
        ? 'Right: the plan decides, and the tool applies it.'
        : `The plan says ${action}; here is what it does.`,
    );
  }
  run('5. the contingency', strike + H, ['advance', '--apply-contingency']);
  if (peek(strike + H, ['status'])['state'] === 'rolled-back')
    say('\nThe contingency was the rollback itself: nothing more to roll back.');
  else run('6. the rollback', strike + H + 5 * 60_000, ['rollback', '--yes']);
  run('7. where it stands', strike + 2 * H, ['status']);
  const state = peek(strike + 2 * H, ['status'])['state'];
  const real = realWork(plan);
  say(`\nIn a real rollout of ${plan.name}, the rollback would have:\n${real.map((l) => `  - ${l}`).join('\n')}`);
  // a drill goes as it should when the first advance worked, the gate caught the problem (failed or held)
  // and the rollout ended rolled back
  const ok = entered.exitCode === 0 && (caught.exitCode === 4 || caught.exitCode === 3) && state === 'rolled-back';
  if (global.json) io.json({ plan: plan.name, scenario, dir, ok, left: drill.left, steps, realRollback: real });
  else
    say(
      ok
        ? '\nThe drill went as it should: the problem was caught and the rollout rolled back.'
        : '\nThe drill did not go as expected: read the steps above.',
    );
  return ok ? 0 : 1;
}

function realWork(plan: Plan): string[] {
  const flagProvider = plan.flag.provider ?? Object.keys(plan.providers.flags)[0] ?? '-';
  const type = plan.providers.flags[flagProvider]?.type ?? '?';
  const lines = plan.rollback.map((s) => {
    const how =
      s.action === 'flag'
        ? `turned the flag "${plan.flag.key}" off (${flagProvider}, ${type})`
        : s.run
          ? `run \`${s.run}\``
          : 'waited for a person to confirm it';
    return `${s.component}: ${s.procedure}: ${how}${s.estimate ? ` (estimate ${s.estimate})` : ''}`;
  });
  const est = plan.rollback.map((s) => (s.estimate ? parseEstimate(s.estimate) : undefined));
  const min = est.reduce((a, e) => a + (e?.min ?? 0), 0);
  const max = est.reduce((a, e) => a + (e?.max ?? 0), 0);
  if (max > 0)
    lines.push(
      `taken about ${min === max ? formatDuration(min) : `${formatDuration(min)} to ${formatDuration(max)}`} in all`,
    );
  const notifiers = Object.keys(plan.providers.notifications);
  if (notifiers.length) lines.push(`notified ${notifiers.join(', ')}`);
  return lines;
}

function scratchFolder(given: string | undefined): string {
  if (!given) return mkdtempSync(path.join(os.tmpdir(), 'rollout-drill-'));
  const dir = path.resolve(given);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new RolloutError('usage', `the drill folder ${dir} is not empty`, { hint: 'give an empty or new folder' });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const indent = (text: string): string => (text ? text.replace(/^/gm, '   ') : '   (no output)');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
