/**
 * `rollout advance` in a terminal judges the gate once: the checklist offer reads the state only, so
 * each metric is queried once per run (a command metric that logs its runs says how many).
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { atStage, PLAN, removeSandboxes } from '../helpers/cli.js';
import { killTerminals, Terminal } from '../helpers/pty.js';

afterEach(killTerminals);
afterAll(removeSandboxes);

describe('advance in a terminal', () => {
  it('queries each metric once (the gate is judged once), and advances', async () => {
    const sb = await atStage('canary-5-approved');
    // a series every 15 minutes over the window asked for; each run appends a line to runs.log
    sb.writeFile(
      'plans/series.mjs',
      "import { appendFileSync } from 'node:fs';\nappendFileSync('runs.log', 'run\\n');\n" +
        'const f = Date.parse(process.env.ROLLOUT_FROM), t = Date.parse(process.env.ROLLOUT_TO), s = 900000;\n' +
        'const out = [];\nfor (let x = Math.ceil(f / s) * s; x <= t; x += s) out.push([x / 1000, 250]);\nconsole.log(JSON.stringify(out));\n',
    );
    sb.editPlan((y) =>
      y
        .replace(
          '    local: { type: file, path: data/recommendations-metrics.csv }',
          '    local: { type: file, path: data/recommendations-metrics.csv }\n    cmd: { type: command, interval: 15m }',
        )
        .replace(/\n( {4}query: (?!latency_p95))/g, '\n    provider: local\n$1')
        .replace(/\n( {4}numerator: )/g, '\n    provider: local\n$1')
        .replace(
          '    query: latency_p95         # file provider: the series name in the CSV',
          '    provider: cmd\n    query: node series.mjs',
        ),
    );
    const t = new Terminal(sb, 'advance');
    t.start(['advance', PLAN]);
    expect(await t.exitCode()).toBe(0);
    expect(await t.waitFor('flag recommendations-v2: 5% → 25%')).toMatch(/latency_p95 +pass/);
    expect(sb.state()).toMatchObject({ phase: 'canary-25', traffic: 25 });
    expect(readFileSync(sb.path('plans/runs.log'), 'utf8')).toBe('run\n');
  }, 120_000);
});
