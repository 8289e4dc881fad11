/**
 * `rollout digest` through the built binary, with no TTY, on a simulated clock (ROLLOUT_NOW): what is
 * due for each stakeholder on its cadence, sent once through its notifier (a loopback webhook), never
 * twice (also when two `digest --send` race, on the file and on the PostgreSQL backend), a failed send
 * due again, a send cut off between the provider call and its record reported, not re-sent silently.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closePgPools } from '../../src/state/pg-connect.js';
import { after, atStage, explain, removeSandboxes, type Sandbox, T } from '../helpers/cli.js';
import { sendJson, startServer, type FakeServer } from '../helpers/fakes/http.js';
import { createTestDatabase } from '../helpers/pg-db.js';

let receiver: FakeServer;
let failing = false;
let db: { url: string; drop: () => Promise<void> } | undefined;

beforeAll(async () => {
  receiver = await startServer((_req, res) =>
    failing ? sendJson(res, 503, { error: 'down' }) : sendJson(res, 200, { ok: true }),
  );
});
afterAll(async () => {
  await receiver.close();
  removeSandboxes();
  await closePgPools();
  await db?.drop();
});

interface Body {
  event: string;
  id: string;
  to: string;
  summary: string;
  lines: string[];
}

/** The reference plan with a webhook notifier every stakeholder is sent through. */
function withHook(yaml: string): string {
  return yaml
    .replace(
      '  # notifications:\n  #   team-slack: { type: slack, webhookUrl: "${SLACK_WEBHOOK_URL}" }',
      '  notifications:\n    hook: { type: webhook, url: "${HOOK_URL}", retries: 0 }',
    )
    .replace(/owner: (Tech Lead|PM|Head of Engineering|Marketing) \}/g, 'owner: $1, notify: hook }');
}

async function setUp(stage: 'canary-5' | 'canary-25' = 'canary-5'): Promise<Sandbox> {
  const sb = await atStage(stage);
  sb.editPlan(withHook);
  return sb;
}

const env = () => ({ HOOK_URL: `${receiver.url}/digest` });
const sent = () =>
  receiver.requests
    .filter((r) => r.method === 'POST' && r.url.startsWith('/digest'))
    .map((r) => JSON.parse(r.body) as Body)
    .filter((b) => b.event === 'digest');

async function digest(sb: Sandbox, args: string[] = []) {
  const r = await sb.cmd('digest', ['--json', ...args], { env: env(), timeoutMs: 30_000 });
  if (r.timedOut) throw new Error(`digest did not end by itself:\n${explain(r)}`);
  return r;
}

describe('rollout digest', () => {
  it('sends the daily technical digest once a day and the weekly product summary once a week', async () => {
    const sb = await setUp();
    receiver.requests.length = 0;
    sb.clock.set(after(T.canary5, '3h'));

    // without --send: what is due, nothing sent, nothing recorded
    const dry = await digest(sb);
    expect(dry.code).toBe(0);
    expect(dry.json().digests.map((d: { audience: string; status: string }) => [d.audience, d.status])).toEqual(
      expect.arrayContaining([
        ['Engineering team', 'due'],
        ['Product', 'due'],
        ['Leadership', 'due'],
      ]),
    );
    expect(sent()).toHaveLength(0);
    expect(sb.state()?.digests ?? {}).toEqual({});

    const first = await digest(sb, ['--send']);
    expect(first.code).toBe(0);
    const day1 = sent();
    expect(day1.map((b) => b.to).sort()).toEqual([
      'daily:2026-06-18',
      'phase:pre-deploy@2026-06-18T09:00:00.000Z',
      'weekly:2026-W25',
    ]);
    const daily = day1.find((b) => b.to.startsWith('daily:'))!;
    expect(daily.summary).toContain('Technical digest');
    expect(daily.lines.join('\n')).toMatch(/pre-deploy → canary-5: advanced/);

    // later the same day: nothing is due again
    sb.clock.set(after(T.canary5, '10h'));
    const again = await digest(sb, ['--send']);
    expect(again.code).toBe(0);
    expect(again.json().digests.every((d: { status: string }) => d.status === 'already-sent')).toBe(true);
    expect(sent()).toHaveLength(3);

    // the next day: a new daily digest; the week's product summary was sent already
    sb.clock.set(after(T.canary5, '1d'));
    expect((await digest(sb, ['--send', '--audience', 'Engineering team'])).code).toBe(0);
    expect((await digest(sb, ['--send'])).code).toBe(0);
    expect(
      sent()
        .map((b) => b.to)
        .filter((k) => k.startsWith('daily:')),
    ).toEqual(['daily:2026-06-18', 'daily:2026-06-19']);
    expect(sent().filter((b) => b.to.startsWith('weekly:'))).toHaveLength(1);
    // every send journaled before and after
    const effects = sb.journal().filter((e) => e.data['action'] === 'digest.send');
    expect(effects.filter((e) => e.type === 'effect.start')).toHaveLength(4);
    expect(effects.filter((e) => e.type === 'effect.done')).toHaveLength(4);
  });

  it.each(['file', 'postgres'] as const)(
    'two racing `digest --send` send the daily digest once (%s backend)',
    async (backend) => {
      const sb = await setUp();
      let runEnv = env();
      if (backend === 'postgres') {
        // a fresh database: the rollout is moved there with state export | import
        db = db ?? (await createTestDatabase('digest'));
        const out = await sb.run(['state', 'export', sb.plan], { env: runEnv });
        expect(out.code).toBe(0);
        sb.writeFile('export.json', out.stdout);
        const u = new URL(db.url);
        u.password = 'pw-Dg83kQz1';
        sb.editPlan((y) =>
          y.replace(
            /state:\n {2}backend: file\n {2}dir: \.rollout[^\n]*\n/,
            'state:\n  backend: postgres\n  url: "${DATABASE_URL}"\n',
          ),
        );
        runEnv = { ...runEnv, DATABASE_URL: u.toString() } as typeof runEnv;
        const imp = await sb.run(['state', 'import', sb.plan, sb.path('export.json')], { env: runEnv });
        expect(imp.code).toBe(0);
      }
      receiver.requests.length = 0;
      sb.clock.set(after(T.canary5, '2h'));
      const runs = await Promise.all(
        [0, 1, 2].map(() =>
          sb.cmd('digest', ['--json', '--send', '--audience', 'Engineering team'], { env: runEnv, timeoutMs: 30_000 }),
        ),
      );
      for (const r of runs) {
        expect(r.timedOut).toBe(false);
        expect([0, 5]).toContain(r.code);
      }
      expect(sent().filter((b) => b.to === 'daily:2026-06-18')).toHaveLength(1);
      const statuses = runs
        .filter((r) => r.code === 0)
        .flatMap((r) => r.json().digests.map((d: { status: string }) => d.status));
      expect(statuses.filter((s) => s === 'sent')).toEqual(['sent']);
    },
  );

  it('the customers get the release notes once the rollout completed, never before, and once', async () => {
    const sb = await atStage('full');
    sb.editPlan(withHook);
    receiver.requests.length = 0;
    const customers = (r: Awaited<ReturnType<typeof digest>>) =>
      r.json().digests.find((d: { audience: string }) => d.audience === 'Customers');
    // at 100 % but not completed: nothing is due for the customers yet
    sb.clock.set(after(T.full, '1h'));
    const before = await digest(sb, ['--send']);
    expect(before.code).toBe(0);
    expect(customers(before)?.status ?? 'not-due').not.toMatch(/^(due|sent)$/);
    expect(sent().some((b) => /release/i.test(b.summary))).toBe(false);
    // completed: the release notes are due, sent once
    sb.clock.set(T.done);
    const ok = await sb.cmd('approve', ['--by', 'tech-lead'], { env: env() });
    if (ok.code !== 0) throw new Error(explain(ok));
    const done = await sb.cmd('advance', ['--json'], { env: env() });
    if (done.code !== 0) throw new Error(explain(done));
    expect(done.json().decision).toBe('completed');
    const dry = await digest(sb);
    expect(customers(dry)).toMatchObject({ status: 'due' });
    expect((await digest(sb, ['--send'])).code).toBe(0);
    const notes = sent().filter((b) => /release notes/i.test(b.summary));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.lines.join('\n')).toMatch(/100%/);
    const again = await digest(sb, ['--send']);
    expect(customers(again)).toMatchObject({ status: 'already-sent' });
    expect(sent().filter((b) => /release notes/i.test(b.summary))).toHaveLength(1);
  });

  it('a failed send is not recorded and is sent on the next run', async () => {
    const sb = await setUp();
    receiver.requests.length = 0;
    failing = true;
    try {
      const r = await digest(sb, ['--send', '--audience', 'Engineering team']);
      expect(r.code).toBe(1);
      expect(r.json().digests[0]).toMatchObject({ status: 'failed' });
      expect(Object.values(sb.state()?.digests ?? {})).toHaveLength(0);
    } finally {
      failing = false;
    }
    const r2 = await digest(sb, ['--send', '--audience', 'Engineering team']);
    expect(r2.code).toBe(0);
    expect(r2.json().digests[0]).toMatchObject({ status: 'sent' });
    expect(sb.journal().some((e) => e.type === 'effect.failed' && e.data['action'] === 'digest.send')).toBe(true);
  });

  it('a send killed after the provider call is reported uncertain, never re-sent silently; --resend sends it', async () => {
    const sb = await setUp();
    receiver.requests.length = 0;
    const killed = await sb.cmd('digest', ['--send', '--audience', 'Engineering team'], {
      env: { ...env(), ROLLOUT_TEST_CRASH_AT: 'landed:digest.send' },
      timeoutMs: 30_000,
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(sent()).toHaveLength(1);
    const next = await digest(sb, ['--send', '--audience', 'Engineering team']);
    expect(next.code).toBe(1);
    expect(next.json().digests[0]).toMatchObject({ status: 'uncertain' });
    expect(sent()).toHaveLength(1);
    const resent = await digest(sb, ['--send', '--resend', '--audience', 'Engineering team']);
    expect(resent.code).toBe(0);
    expect(sent()).toHaveLength(2);
    // the same event id: a receiver can tell it is the same digest
    expect(sent()[1]!.id).toBe(sent()[0]!.id);
    expect(
      (await digest(sb, ['--send'])).json().digests.find((d: { audience: string }) => d.audience === 'Engineering team')
        .status,
    ).toBe('already-sent');
  });

  it('speaks pt-BR, reading the seed Portuguese frequencies (diário, semanal, pós-cada fase)', async () => {
    const sb = await setUp();
    const pt = 'plans/recommendations-pt-BR.yaml';
    const run = (args: string[]) => sb.run(args, { env: env(), timeoutMs: 30_000 });
    expect((await run(['checklist', pt, '--yes'])).code).toBe(0);
    expect((await run(['approve', pt, '--by', 'tech-lead'])).code).toBe(0);
    expect((await run(['advance', pt])).code).toBe(0);
    const r = await run(['digest', pt, '--json']);
    expect(r.code).toBe(0);
    const digests = r.json().digests as { audience: string; cadence: string; summary: string; lines: string[] }[];
    expect(digests.map((d) => [d.audience, d.cadence])).toEqual([
      ['Equipe Técnica', 'daily'],
      ['Produto', 'weekly'],
      ['Diretoria', 'after-each-phase'],
    ]);
    expect(digests[0]!.summary).toContain('Resumo técnico');
    expect(digests[0]!.lines.join('\n')).toContain('avançou');
    expect(digests[2]!.summary).toContain('Relatório executivo');
    expect(r.json().unscheduled).toEqual([]);
  });
});
