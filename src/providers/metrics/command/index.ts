/**
 * Metrics from a command: the metric's query runs with `/bin/sh -c` in the plan's folder (or `cwd`),
 * with ROLLOUT_METRIC, ROLLOUT_COHORT, ROLLOUT_FROM and ROLLOUT_TO (ISO-8601) in its environment.
 * Template values never become shell text: `{{service}}` is a reference to ROLLOUT_SERVICE, `{{NAME}}`
 * to ROLLOUT_VAR_NAME, `${VAR}` to VAR, each quoted for where it stands (src/engine/shell-text.ts). It
 * prints a number (one point at `to`) or JSON in the shapes of ../http/points.ts. A non-zero exit, a
 * timeout or output that is not a number is a ProviderError: a failed command never yields a value.
 */
import path from 'node:path';
import { ProviderError } from '../../../errors.js';
import { type ShellScript, toShellScript } from '../../../engine/shell-text.js';
import { redact } from '../../../redact.js';
import { parseDurationMs } from '../../http-settings.js';
import type { AdapterContext, MetricQuery, MetricsProvider, Series } from '../../types.js';
import { PointsProblem, seriesFromValue } from '../http/points.js';
import { MAX_OUTPUT_BYTES, runCommand, type RunOutcome } from './run.js';
import type { CommandMetricsSettings } from './settings.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** What shells, awk and printf print for a value that is not one: counted as invalid, not as a failure. */
const NOT_A_NUMBER = /^[+-]?(nan|inf|infinity)$/i;
const CLIP = 160;

export async function createCommandMetrics(
  settings: CommandMetricsSettings,
  ctx: AdapterContext,
): Promise<MetricsProvider> {
  const cwd = settings.cwd === undefined ? ctx.baseDir : path.resolve(ctx.baseDir, settings.cwd);
  const timeoutMs = parseDurationMs(settings.timeout);
  const intervalMs = parseDurationMs(settings.interval);

  return {
    async query(q: MetricQuery): Promise<Series> {
      let shell: ShellScript;
      try {
        // without the template (a caller that only rendered it) the query is taken as shell text as it is
        shell = toShellScript(q.template ?? q.query, q.template === undefined ? undefined : (q.values ?? {}));
      } catch (e) {
        throw fail(
          q,
          `cannot be run: ${(e as Error).message}`,
          'use {{service}}, {{flag}}, {{cohort}}, {{window}} or a plan variable',
        );
      }
      const env = {
        ...process.env,
        ...shell.env,
        ROLLOUT_PLAN: ctx.plan,
        ROLLOUT_METRIC: q.metric,
        ROLLOUT_COHORT: q.cohort,
        ROLLOUT_FROM: new Date(q.from).toISOString(),
        ROLLOUT_TO: new Date(q.to).toISOString(),
      };
      const outcome = await runCommand({ command: shell.script, cwd, env, timeoutMs });
      if (outcome.kind !== 'exited' || outcome.code !== 0) throw failure(outcome, q);
      try {
        return { ...parseOutput(outcome.stdout, q), stepMs: intervalMs };
      } catch (e) {
        if (!(e instanceof PointsProblem)) throw e;
        throw fail(
          q,
          `printed output that is not a metric: ${e.message}; it printed ${excerpt(outcome.stdout)}`,
          e.hint,
        );
      }
    },
  };

  function failure(outcome: RunOutcome, q: MetricQuery): ProviderError {
    switch (outcome.kind) {
      case 'spawn-error':
        return fail(
          q,
          `could not be started in ${cwd} (${outcome.code})`,
          'check the provider cwd exists and /bin/sh is available',
        );
      case 'timeout':
        return fail(
          q,
          `did not finish within ${settings.timeout} and was stopped${lastLine(outcome.stderr)}`,
          'raise the provider timeout or make the command faster',
        );
      case 'too-much-output':
        return fail(
          q,
          `printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MB and was stopped${lastLine(outcome.stderr)}`,
        );
      case 'exited': {
        const how =
          outcome.code === null ? `was killed by ${outcome.signal ?? 'a signal'}` : `exited with code ${outcome.code}`;
        return fail(q, `${how}${lastLine(outcome.stderr)}`);
      }
    }
  }

  function fail(q: MetricQuery, what: string, hint?: string): ProviderError {
    // the command may hold expanded plan variables and its output anything at all
    return new ProviderError(
      ctx.name,
      redact(`command for metric "${q.metric}" (${clip(q.template ?? q.query)}) ${what}`),
      hint ? { hint } : {},
    );
  }
}

/** A bare number first (`42`, `.5`, `1e3`), then JSON; nothing printed is a failure, not "no data". */
export function parseOutput(stdout: string, q: Pick<MetricQuery, 'from' | 'to'>): Series {
  const text = stdout.trim();
  if (text === '')
    throw new PointsProblem('nothing was printed', 'print a number, or JSON such as [] when there is no data');
  if (NUMBER.test(text)) {
    // "1e999" has the form of a number but is Infinity: invalid, never a value
    const v = Number(text);
    return Number.isFinite(v) ? { points: [{ t: q.to, v }], invalid: 0 } : { points: [], invalid: 1 };
  }
  if (NOT_A_NUMBER.test(text)) return { points: [], invalid: 1 };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PointsProblem('neither a number nor JSON', 'print only the value on stdout; send logs to stderr');
  }
  return seriesFromValue(json, { from: q.from, to: q.to });
}

function lastLine(stderr: string): string {
  const line = stderr.trimEnd().split('\n').at(-1)?.trim() ?? '';
  return line === '' ? '' : `: ${clip(line)}`;
}

function excerpt(stdout: string): string {
  return JSON.stringify(clip(stdout.trim()));
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > CLIP ? `${one.slice(0, CLIP)}…` : one;
}

/** The name every adapter folder exports its factory under (definition.ts loads it). */
export { createCommandMetrics as create };
