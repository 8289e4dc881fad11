/**
 * `rollout digest PLAN [--audience NAME] [--send] [--resend]`: each stakeholder's digest due now on its
 * cadence (engine/flows/digest.ts). Without --send it prints what is due and changes nothing; with
 * --send it sends each through the audience's notifiers and records it, so nothing is sent twice.
 * Exit 1 when a send failed (it is due again next run) or one is uncertain (a run died mid-send).
 */
import { runDigests, type DigestItem } from '../../engine/flows/digest.js';
import type { GlobalOptions } from '../io.js';
import { prepare } from './common.js';

const STATUS_WORD: Record<DigestItem['status'], string> = {
  due: 'due (not sent: add --send)',
  sent: 'sent',
  'already-sent': 'already sent',
  failed: 'FAILED (not recorded as sent: due again next run)',
  uncertain:
    'UNCERTAIN: a run stopped between sending and recording it; check whether it arrived, then `--send --resend` sends it again',
  'no-notifier': 'not sent: the stakeholder names no notifier (stakeholders[].notify)',
};

export async function digestCommand(
  planFile: string | undefined,
  opts: Record<string, unknown>,
  global: GlobalOptions,
): Promise<number> {
  const { io, loaded, services } = await prepare(planFile, global, 'digest');
  const { plan } = loaded;
  const send = opts['send'] === true;
  const r = await runDigests(plan, services, {
    audience: typeof opts['audience'] === 'string' ? opts['audience'] : undefined,
    send,
    resend: opts['resend'] === true,
  });
  const bad = r.items.some((i) => i.status === 'failed' || i.status === 'uncertain');
  if (global.json) {
    io.json({
      plan: plan.name,
      at: new Date(services.clock.now()).toISOString(),
      send,
      digests: r.items.map((i) => ({ ...i, error: i.error ?? null })),
      unscheduled: r.unscheduled,
    });
    return bad ? 1 : 0;
  }
  if (r.items.length === 0) io.out(`${plan.name}: no digest is due now`);
  for (const i of r.items) {
    io.out(`== ${i.audience} (${i.level}, ${i.cadence}) ${i.key} → ${i.notifier ?? '-'}: ${STATUS_WORD[i.status]}`);
    if (i.error) io.out(`   error: ${i.error}`);
    io.out(`   ${i.summary}`);
    for (const l of i.lines) io.out(`   - ${l}`);
  }
  for (const a of r.unscheduled)
    io.out(
      `(${a}: its frequency names no cadence; set cadence: each-change|daily|weekly|after-each-phase|after-the-rollout)`,
    );
  return bad ? 1 : 0;
}
