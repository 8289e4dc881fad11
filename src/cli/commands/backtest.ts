/**
 * `rollout backtest PLAN --phase NAME --from T --to T [--every 10m]` (contract §4): where the
 * phase's gate would have held, failed or passed on the recorded history. A progress bar on a
 * terminal (ora); `--json` for CI. Read-only: nothing is written.
 */
import { backtest, backtestSteps, type BacktestResult } from '../../engine/backtest.js';
import { RolloutError } from '../../errors.js';
import { readIsoTime } from '../../iso-time.js';
import { formatDuration, parseDuration } from '../../plan/duration.js';
import type { GlobalOptions, Io } from '../io.js';
import { prepare } from './common.js';
import { stdStream } from '../std-write.js';

const MAX_STEPS = 100_000;

function time(raw: unknown, flag: string): number {
  if (typeof raw !== 'string' || raw === '')
    throw new RolloutError('usage', `backtest needs ${flag} TIME (ISO-8601, e.g. 2026-06-18T09:00:00Z)`);
  const r = readIsoTime(raw);
  if (!r.ok) throw new RolloutError('usage', `${flag} ${raw}: ${r.reason}`);
  return r.ms;
}

async function progress(io: Io, total: number): Promise<{ step(done: number): void; stop(): void }> {
  if (io.opts.json || !io.stderrTTY || total < 2) return { step: () => undefined, stop: () => undefined };
  const { default: ora } = await import('ora');
  const spinner = ora({ text: `replaying 0/${total} checks`, stream: stdStream(2), discardStdin: false }).start();
  const width = 24;
  return {
    step: (done) => {
      const filled = Math.round((done / total) * width);
      spinner.text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} checks`;
    },
    stop: () => spinner.stop(),
  };
}

export function renderBacktest(r: BacktestResult, io: Io): string {
  const s = io.style;
  const mark = (d: string) => (d === 'fail' ? s.red('fail') : d === 'pass' ? s.green('pass') : s.yellow('hold'));
  const lines = [
    s.bold(
      `backtest of ${r.plan}, phase ${r.phase}: ${r.checks.length} checks every ${formatDuration(r.everyMs)} from ${r.from} to ${r.to}`,
    ),
    `  ${r.counts.pass} pass · ${r.counts.hold} hold · ${r.counts.fail} fail`,
    `  first failure: ${r.firstFailureAt ?? 'none'}    first pass: ${r.firstPassAt ?? 'none'}`,
    '',
  ];
  // one line per run of equal decisions, with what held or failed at its first check
  let i = 0;
  while (i < r.checks.length) {
    const c = r.checks[i]!;
    let j = i;
    while (j + 1 < r.checks.length && r.checks[j + 1]!.decision === c.decision) j++;
    const span = i === j ? c.at : `${c.at} … ${r.checks[j]!.at} (${j - i + 1} checks)`;
    lines.push(`${mark(c.decision)}  ${span}`);
    for (const k of c.criteria) lines.push(`        ${k.name} ${k.verdict}: ${k.detail}`);
    i = j + 1;
  }
  lines.push('', s.dim(r.note));
  return lines.join('\n');
}

export async function backtestCommand(
  planFile: string | undefined,
  opts: { phase?: string; from?: string; to?: string; every?: string },
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'backtest');
  const plan = loaded.plan;
  const names = plan.phases.map((p) => p.name);
  if (!opts.phase) throw new RolloutError('usage', `backtest needs --phase NAME (one of ${names.join(', ')})`);
  const phaseIndex = names.indexOf(opts.phase);
  if (phaseIndex < 0)
    throw new RolloutError('usage', `no phase named "${opts.phase}"; the plan's phases are ${names.join(', ')}`);
  const from = time(opts.from, '--from');
  const to = time(opts.to, '--to');
  if (to <= from) throw new RolloutError('usage', `--to (${opts.to}) must be after --from (${opts.from})`);
  const now = services.clock.now();
  if (to > now)
    throw new RolloutError(
      'usage',
      `--to ${opts.to} is in the future (now is ${new Date(now).toISOString()}): replay recorded history only`,
    );
  const every = opts.every ?? '10m';
  const everyMs = parseDuration(every);
  if (everyMs === undefined || everyMs <= 0)
    throw new RolloutError('usage', `--every ${every} is not a duration such as 10m or 1h`);
  const total = backtestSteps(from, to, everyMs).length;
  if (total === 0) throw new RolloutError('usage', `no check fits between --from and --to at --every ${every}`);
  if (total > MAX_STEPS)
    throw new RolloutError(
      'usage',
      `${total} checks is too many (at most ${MAX_STEPS}): widen --every or narrow the range`,
    );
  const bar = await progress(io, total);
  let result: BacktestResult;
  try {
    result = await backtest({ plan, phaseIndex, services, from, to, everyMs, onStep: (d) => bar.step(d) });
  } finally {
    bar.stop();
  }
  if (global.json) io.json(result);
  else io.out(renderBacktest(result, io));
  return 0;
}
