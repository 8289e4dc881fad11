/**
 * The commands around the gate, through the built binary: terminal manners (no TTY never hangs,
 * --json is one document, colour rules), --dry-run, pause/resume, reduce, history, report, show.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, ANSI, atStage, explain, removeSandboxes, rollout, Sandbox, T, type CliResult } from '../helpers/cli.js';

afterAll(removeSandboxes);

function expectCode(r: CliResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${explain(r)}`);
}

describe('without a terminal', () => {
  it.each([
    ['stdin left open with no data', {}],
    ['stdin closed at once', { input: '' }],
    ['CI=true', { env: { CI: 'true' } }],
  ])('checklist without --yes fails at once with exit 2 naming --yes and --answers (%s)', async (_label, opts) => {
    const sb = Sandbox.create();
    const r = await sb.cmd('checklist', [], { timeoutMs: 10_000, ...opts });
    expect(r.timedOut).toBe(false);
    expectCode(r, 2);
    expect(r.stderr).toContain('--yes');
    expect(r.stderr).toContain('--answers');
    expect(r.stderr).toMatch(/no terminal/);
    expect(r.stdout).toBe('');
    expect(sb.state()?.phases['pre-deploy']?.checklist ?? {}).toEqual({});
  });

  it('rollback with a manual step, no terminal and no --yes fails at once, before any step; with --yes the manual step stays pending', async () => {
    const sb = await atStage('canary-5');
    const flagBefore = JSON.stringify(sb.flagDoc());
    const r = await sb.cmd('rollback', ['--json'], { timeoutMs: 15_000 });
    expect(r.timedOut).toBe(false);
    expectCode(r, 2);
    expect(r.json().error.hint).toContain('--yes');
    expect(JSON.stringify(sb.flagDoc())).toBe(flagBefore);
    expect(sb.state()).toMatchObject({ status: 'in-progress', phase: 'canary-5' });
    expect(sb.journal().some((e) => e.type.startsWith('rollback'))).toBe(false);

    const y = await sb.cmd('rollback', ['--yes', '--json'], { timeoutMs: 15_000 });
    expectCode(y, 0);
    const j = y.json();
    expect(j).toMatchObject({ decision: 'rolled-back', state: 'rolled-back', traffic: 0, pending: 1 });
    expect(j.steps.find((s: { kind: string }) => s.kind === 'manual')).toMatchObject({ status: 'pending' });
  });
});

describe('reset', () => {
  it('asks before starting over: without a terminal and without --yes it fails at once (exit 2); with --yes it starts over, keeping the journal', async () => {
    const sb = await atStage('canary-5');
    expectCode(await sb.cmd('rollback', ['--yes']), 0);
    const r = await sb.cmd('reset', [], { timeoutMs: 10_000 });
    expect(r.timedOut).toBe(false);
    expectCode(r, 2);
    expect(r.stderr).toContain('--yes');
    expect(sb.state()!.status).toBe('rolled-back');
    const entries = sb.journal().length;
    expect(await sb.json('reset', ['--yes'], 0)).toMatchObject({
      state: 'not-started',
      phase: 'pre-deploy',
      traffic: 0,
    });
    expect(sb.journal().length).toBe(entries + 1);
    expect(sb.journal().at(-1)).toMatchObject({ type: 'rollout.reset', data: { previous: 'rolled-back' } });
  });
});

describe('--json', () => {
  it('writes exactly one JSON document on stdout, for every command, success or failure', async () => {
    const sb = await atStage('canary-5');
    sb.clock.set(after(T.canary5, '1h'));
    const runs: [string[], number][] = [
      [['validate', sb.plan], 0],
      [['show', sb.plan], 0],
      [['status', sb.plan], 0],
      [['check', sb.plan], 3],
      [['advance', sb.plan], 3],
      [['approve', sb.plan, '--by', 'tech-lead'], 0],
      [['checklist', sb.plan, '--yes'], 0],
      [['pause', sb.plan], 0],
      [['resume', sb.plan], 0],
      [['history', sb.plan], 0],
      [['report', sb.plan], 0],
      [['advance', sb.plan, '--dry-run'], 3],
      [['rollback', sb.plan, '--dry-run', '--yes'], 0],
      [['reduce', sb.plan, '--dry-run'], 0],
      // failures are one document too
      [['approve', sb.plan, '--by', 'someone-else'], 2],
      [['status', 'plans/missing.yaml'], 2],
      [['status', sb.plan, '--bogus-option'], 2],
    ];
    for (const [args, code] of runs) {
      const r = await sb.run([...args, '--json']);
      if (r.code !== code)
        throw new Error(`rollout ${args.join(' ')} --json: expected exit ${code}, got ${explain(r)}`);
      const doc = r.json(); // the whole stdout parses as one document
      expect(typeof doc).toBe('object');
      expect(r.stdout.trim().startsWith('{')).toBe(true);
      if (code === 2) expect(doc.error).toMatchObject({ exitCode: 2, message: expect.any(String) });
      else expect(doc.error).toBeUndefined();
    }
  });
});

describe('colour', () => {
  const runColours = async (sb: Sandbox, opts: { env?: Record<string, string>; args?: string[] }) => {
    const status = await sb.cmd('status', opts.args ?? [], { env: opts.env });
    expectCode(status, 0);
    const invalid = await sb.run(['validate', 'plans/invalid.yaml', ...(opts.args ?? [])], { env: opts.env });
    expectCode(invalid, 2);
    return status.stdout + status.stderr + invalid.stdout + invalid.stderr;
  };

  it('NO_COLOR, --no-color and a pipe give no ANSI escapes; FORCE_COLOR=1 gives them', async () => {
    const sb = Sandbox.create();
    sb.writeFile('plans/invalid.yaml', 'version: 1\nname: Not A Slug\n');
    expect(await runColours(sb, {})).not.toMatch(ANSI);
    expect(await runColours(sb, { env: { NO_COLOR: '1' } })).not.toMatch(ANSI);
    expect(await runColours(sb, { args: ['--no-color'] })).not.toMatch(ANSI);
    // --no-color wins over FORCE_COLOR
    expect(await runColours(sb, { env: { FORCE_COLOR: '1' }, args: ['--no-color'] })).not.toMatch(ANSI);
    const forced = await runColours(sb, { env: { FORCE_COLOR: '1' } });
    expect(forced).toMatch(ANSI);
    expect(forced).toContain('\u001b[1m'); // bold headings
  });

  it('--json output has no ANSI escapes even with FORCE_COLOR=1', async () => {
    const sb = Sandbox.create();
    const r = await sb.cmd('status', ['--json'], { env: { FORCE_COLOR: '1' } });
    expectCode(r, 0);
    expect(r.stdout).not.toMatch(ANSI);
  });
});

describe('advance --dry-run', () => {
  it('changes nothing (state, flag file, journal, reports) and lists the actions it would take', async () => {
    const sb = await atStage('canary-5-approved');
    const before = sb.snapshot();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'plans/.rollout/flags.json',
        'plans/.rollout/recommendations-v2.state.json',
        'plans/.rollout/recommendations-v2.journal.jsonl',
      ]),
    );

    const j = await sb.json('advance', ['--dry-run'], 0);
    expect(j).toMatchObject({ decision: 'advanced', from: 'canary-5', to: 'canary-25', dryRun: true, reports: [] });
    expect(j.actions).toEqual(
      expect.arrayContaining([
        { action: 'flag.set-traffic', detail: { flag: 'recommendations-v2', traffic: 25, audience: 'active-users' } },
      ]),
    );
    expect(sb.snapshot()).toEqual(before);

    const text = await sb.cmd('advance', ['--dry-run']);
    expectCode(text, 0);
    expect(text.stdout).toContain('[dry run] would be advanced: canary-5 → canary-25');
    expect(text.stdout).toMatch(/would do:\n\s+- flag\.set-traffic .*"traffic":25/);
    expect(sb.snapshot()).toEqual(before);

    // a dry-run rollback changes nothing either, and lists its steps without running them
    const rb = await sb.json('rollback', ['--dry-run', '--yes'], 0);
    expect(rb.dryRun).toBe(true);
    expect(rb.actions.map((a: { action: string }) => a.action)).toEqual(['flag.disable', 'run', 'run']);
    expect(sb.snapshot()).toEqual(before);

    // and the real advance still does it
    expect((await sb.json('advance', [], 0)).decision).toBe('advanced');
    expect(sb.flagTraffic()).toBe(25);
  });
});

describe('pause and resume', () => {
  it('a paused rollout holds (exit 3) even when eligible; after resume it advances', async () => {
    const sb = await atStage('canary-5-approved');
    const p = await sb.json('pause', ['--reason', 'holiday freeze'], 0);
    expect(p).toMatchObject({ state: 'paused', phase: 'canary-5', changed: true });
    expect(await sb.json('status', [], 0)).toMatchObject({
      state: 'paused',
      phase: 'canary-5',
      traffic: 5,
      decision: 'held',
    });
    expect((await sb.json('pause', [], 0)).changed).toBe(false);

    const flagBefore = readFileSync(sb.flagFile, 'utf8');
    const held = await sb.cmd('advance', ['--json']);
    expectCode(held, 3);
    const h = held.json();
    expect(h.decision).toBe('held');
    expect(
      h.criteria.filter((c: { verdict: string }) => c.verdict === 'hold').map((c: { name: string }) => c.name),
    ).toEqual(['paused']);
    expect(h.criteria.find((c: { name: string }) => c.name === 'paused').detail).toContain('rollout resume');
    expect(readFileSync(sb.flagFile, 'utf8')).toBe(flagBefore);

    expect(await sb.json('resume', [], 0)).toMatchObject({ state: 'in-progress', changed: true });
    expect((await sb.json('advance', [], 0)).decision).toBe('advanced');
    const types = sb.journal().map((e) => e.type);
    expect(types.indexOf('rollout.paused')).toBeLessThan(types.indexOf('rollout.resumed'));
    expect(sb.journal().find((e) => e.type === 'rollout.paused')?.data['reason']).toBe('holiday freeze');
  });
});

describe('reduce', () => {
  it('steps back to the previous phase by hand: flag, state and report', async () => {
    const sb = await atStage('canary-25');
    sb.clock.set(after(T.canary25, '2h'));
    const r = await sb.json('reduce', ['--reason', 'support tickets up'], 0);
    expect(r).toMatchObject({ decision: 'reduced', from: 'canary-25', to: 'canary-5', phase: 'canary-5', traffic: 5 });
    expect(sb.flag()?.metadata).toMatchObject({ traffic: 5, audience: 'technical-users' });
    expect(sb.state()!.phases['canary-5']).toMatchObject({
      visits: 2,
      enteredAt: '2026-06-20T11:00:00.000Z',
      approvals: [],
    });
    expect(sb.report('canary-25', 'json').phase).toMatchObject({
      name: 'canary-25',
      leftAt: '2026-06-20T11:00:00.000Z',
    });
    // back in canary-5, its soak starts over
    const s = await sb.json('status', [], 0);
    expect(s.eligibleAt).toBe('2026-06-22T11:00:00.000Z');
  });
});

describe('history, report, show', () => {
  it('history --json is the journal, in order, each entry saying the clock was simulated', async () => {
    const sb = await atStage('canary-5');
    const h = await sb.json('history', [], 0);
    expect(h.plan).toBe('recommendations-v2');
    expect(h.entries.map((e: { seq: number }) => e.seq)).toEqual(h.entries.map((_: unknown, i: number) => i + 1));
    expect(h.entries).toEqual(sb.journal());
    const types = h.entries.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'checklist.answered')).toHaveLength(7);
    expect(types.slice(-5)).toEqual([
      'approval.recorded',
      'gate.evaluated',
      'effect.start',
      'effect.done',
      'rollout.advanced',
    ]);
    for (const e of h.entries)
      expect(e).toMatchObject({
        at: expect.stringMatching(/^2026-06-18T09:00:00.000Z$/),
        clock: 'ROLLOUT_NOW',
        type: expect.any(String),
        data: expect.any(Object),
      });
    const text = await sb.cmd('history');
    expectCode(text, 0);
    expect(text.stdout).toContain('time from ROLLOUT_NOW');
  });

  it('report rewrites the reports of the phases so far', async () => {
    const sb = await atStage('canary-25');
    const original = sb.report('pre-deploy', 'md');
    rmSync(sb.path('plans', 'reports'), { recursive: true });
    sb.clock.set(after(T.canary25, '1h'));
    const r = await sb.json('report', [], 0);
    expect(r.phases).toEqual(['pre-deploy', 'canary-5', 'canary-25']);
    expect(r.files).toHaveLength(6);
    for (const f of r.files) expect(existsSync(f)).toBe(true);
    const md = sb.report('pre-deploy', 'md');
    // the same story, generated again at the new time
    expect(md.replace(/^\| report generated \| .* \|$/m, '')).toBe(
      original.replace(/^\| report generated \| .* \|$/m, ''),
    );
    expect(md).toContain('| report generated | 20 Jun 2026, 10:00 UTC |');
    // the current phase has a report too, marked current, with no decision yet
    const cur = sb.report('canary-25', 'json');
    expect(cur.phase).toMatchObject({ name: 'canary-25', status: 'current' });
    expect(cur.decision).toBeUndefined();
    expect(cur.documents.map((d: { kind: string }) => d.kind)).toEqual(['comparative-analysis']);
    expect(sb.report('canary-25', 'md')).toContain('Simulated clock');
  });

  it('show --json has the phases, the rollback plan, the timeline and the earliest completion', async () => {
    const fresh = Sandbox.create();
    const s0 = await fresh.json('show', [], 0);
    // 48h + 72h of soak, then a whole 24h SLO window at 100%
    expect(s0).toMatchObject({
      plan: 'recommendations-v2',
      state: 'not-started',
      phase: 'pre-deploy',
      earliestCompletion: '2026-06-24T09:00:00.000Z',
      clock: 'ROLLOUT_NOW',
    });
    expect(s0.phases.map((p: { name: string; traffic: number }) => [p.name, p.traffic])).toEqual([
      ['pre-deploy', 0],
      ['canary-5', 5],
      ['canary-25', 25],
      ['full', 100],
    ]);
    expect(s0.phases[1]).toMatchObject({
      audience: 'technical-users',
      minDuration: '48h',
      gate: { sloWindow: '24h', noOpenIncidents: 'critical', approvals: { required: 1 } },
    });
    expect(s0.rollback).toHaveLength(4);
    expect(s0.contingency).toMatchObject({
      light: { action: 'hold' },
      moderate: { action: 'reduce-traffic' },
      severe: { action: 'rollback' },
    });

    const sb = await atStage('canary-5');
    sb.clock.set(after(T.canary5, '12h'));
    const s = await sb.json('show', [], 0);
    expect(s.timeline).toEqual([
      expect.objectContaining({
        phase: 'pre-deploy',
        status: 'done',
        enteredAt: '2026-06-18T09:00:00.000Z',
        leftAt: '2026-06-18T09:00:00.000Z',
      }),
      expect.objectContaining({
        phase: 'canary-5',
        status: 'current',
        enteredAt: '2026-06-18T09:00:00.000Z',
        eligibleAt: '2026-06-20T09:00:00.000Z',
      }),
      expect.objectContaining({ phase: 'canary-25', status: 'next', earliestEntry: '2026-06-20T09:00:00.000Z' }),
      expect.objectContaining({ phase: 'full', status: 'later', earliestEntry: '2026-06-23T09:00:00.000Z' }),
    ]);
    expect(s.timeline[3]).toMatchObject({ phase: 'full', holdMs: 24 * 3600_000 });
    expect(s.earliestCompletion).toBe('2026-06-24T09:00:00.000Z');
    const text = await sb.cmd('show');
    expectCode(text, 0);
    expect(text.stdout).toContain('earliest completion: 2026-06-24T09:00:00.000Z');
    expect(text.stdout).toMatch(/full +100% +24h \(SLO window\)/);
  });
});

describe('automated checklist items', () => {
  it('--yes runs `run:` items: a failing command leaves the item failed (exit 3, gate held) with its output; a re-run retries only it', async () => {
    const sb = Sandbox.create({
      editPlan: (y) =>
        y.replace(
          '      - On-call team notified\n',
          () =>
            '      - On-call team notified\n      - { id: smoke, text: Smoke tests pass, run: "echo smoke says $(cat smoke.txt 2>/dev/null); test -f smoke.ok" }\n',
        ),
    });
    sb.writeFile('plans/smoke.txt', 'hello');
    const r1 = await sb.cmd('checklist', ['--yes', '--json']);
    expectCode(r1, 3);
    const c1 = r1.json();
    expect(c1.complete).toBe(false);
    expect(c1.items.at(-1)).toMatchObject({
      id: 'smoke',
      status: 'failed',
      exitCode: 1,
      output: 'smoke says hello',
      command: expect.stringContaining('test -f smoke.ok'),
    });
    expect(c1.items.slice(0, 7).every((i: { status: string }) => i.status === 'done')).toBe(true);

    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    const held = await sb.json('advance', [], 3);
    expect(held.criteria.find((c: { name: string }) => c.name === 'checklist')).toMatchObject({
      verdict: 'hold',
      detail: expect.stringContaining('failed: Smoke tests pass'),
    });

    sb.writeFile('plans/smoke.ok', '');
    const c2 = await sb.json('checklist', ['--yes'], 0);
    expect(c2.complete).toBe(true);
    expect(c2.items.at(-1)).toMatchObject({ id: 'smoke', status: 'done', exitCode: 0 });
    expect(
      sb
        .journal()
        .filter((e) => e.type === 'checklist.answered')
        .map((e) => e.data['id']),
    ).toEqual([
      'validate-baseline-metrics',
      'configure-feature-flags',
      'prepare-a-staging-environment-identical-to-production',
      'load-tests-completed',
      'database-backups-taken',
      'monitoring-active',
      'on-call-team-notified',
      'smoke',
      'smoke',
    ]);
    expect((await sb.json('advance', [], 0)).decision).toBe('advanced');
    expect(sb.report('pre-deploy', 'md')).toMatch(
      /^\| Smoke tests pass \| done \| cli-test \| .* \| `echo smoke says .*` exit 0 \|$/m,
    );
  });
});

describe('the files rollout keeps', () => {
  it('a torn last journal line (a crash mid-append) loses nothing that comes after it: the next change removes it and says so', async () => {
    const sb = await atStage('canary-5');
    const entries = sb.journal().length;
    appendFileSync(sb.journalFile, '{"seq":999,"at":"2026-06-1');
    sb.clock.set(after(T.canary5, '1h'));
    expectCode(await sb.cmd('approve', ['--by', 'tech-lead']), 0);
    const h = await sb.json('history', [], 0);
    expect(h.entries).toHaveLength(entries + 2);
    expect(h.entries.at(-2)).toMatchObject({ seq: entries + 1, type: 'journal.repaired' });
    expect(h.entries.at(-1)).toMatchObject({ seq: entries + 2, type: 'approval.recorded', data: { by: 'tech-lead' } });
  });

  it('an unreadable state file is an error (exit 1) that changes nothing', async () => {
    const sb = await atStage('canary-5');
    writeFileSync(sb.stateFile, '{ half a state');
    const before = sb.snapshot();
    const r = await sb.cmd('advance', ['--yes']);
    expectCode(r, 1);
    expect(r.stderr).toContain('is not valid JSON');
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(sb.snapshot()).toEqual(before);
  });

  it('an unreadable flag file stops an eligible advance (exit 1): nothing changed, the file is not overwritten', async () => {
    const sb = await atStage('canary-5-approved');
    writeFileSync(sb.flagFile, '{ hand-edited and broken');
    const r = await sb.cmd('advance', ['--json']);
    expectCode(r, 1);
    expect(r.json().error).toMatchObject({
      code: 'provider',
      exitCode: 1,
      message: expect.stringContaining('not valid JSON'),
    });
    expect(readFileSync(sb.flagFile, 'utf8')).toBe('{ hand-edited and broken');
    expect(sb.state()).toMatchObject({ phase: 'canary-5', traffic: 5 });
    expect(existsSync(sb.reportFile('canary-5', 'md'))).toBe(false);
  });

  it('relative paths resolve against the plan: any working folder sees the same rollout', async () => {
    const sb = await atStage('canary-5');
    const here = await rollout(['status', 'recommendations.yaml', '--json'], {
      cwd: sb.path('plans'),
      now: sb.clock.now,
    });
    expectCode(here, 0);
    expect(here.json()).toMatchObject({ state: 'in-progress', phase: 'canary-5', traffic: 5 });
    const abs = await rollout(['status', sb.path('plans', 'recommendations.yaml'), '--json'], {
      cwd: '/',
      now: sb.clock.now,
    });
    expectCode(abs, 0);
    expect(abs.json()).toMatchObject({ phase: 'canary-5', traffic: 5 });
  });
});

describe('the clock', () => {
  it('ROLLOUT_NOW that is not ISO-8601 is a usage error (exit 2); without it the wall clock is used and said so', async () => {
    const sb = Sandbox.create();
    const bad = await sb.cmd('status', [], { now: 'next tuesday' });
    expectCode(bad, 2);
    expect(bad.stderr).toContain('ROLLOUT_NOW="next tuesday" is not an ISO-8601 time');
    const wall = await sb.json('status', [], 0, { now: undefined });
    expect(wall.clock).toBe('system');
    expect(Math.abs(Date.parse(wall.at) - Date.now())).toBeLessThan(5 * 60_000);
  });
});
