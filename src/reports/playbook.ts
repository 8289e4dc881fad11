/**
 * The support playbook, written from the plan alone (the seed's support training): how the rollout
 * is built, the troubleshooting flow, how to identify and report a problem, the rollback procedures
 * with owners and estimates, who to tell, and a technical FAQ. Pure: the plan in, a document out.
 * Provider settings are never copied (they hold URLs and tokens): only each provider's name and type.
 */
import { formatDuration, parseDuration, parseEstimate } from '../plan/duration.js';
import type { Plan } from '../plan/schema.js';
import type { Block, Doc, Section } from './doc-model.js';
import { ACTIONS, beyond, bound } from './playbook-text.js';
import { phaseServed } from './served.js';

type Metric = Plan['metrics'][number];
type Level = 'light' | 'moderate' | 'severe';

function audienceText(plan: Plan, name: string | undefined): string {
  if (!name) return 'everyone';
  const a = plan.audiences[name];
  if (!a) return name;
  return 'segment' in a ? `${name} (segment ${a.segment})` : `${name} (${a.attribute} in ${a.in.join(', ')})`;
}

function contingencyOf(plan: Plan, level: Level): string {
  const c = plan.contingency[level];
  if (!c) return `${level}: nothing configured (the gate fails and waits for a person)`;
  return `${level}: ${c.action}${c.automatic ? ' (automatic)' : ' (with --apply-contingency, or by hand)'}`;
}

function providerOf(plan: Plan, m: Metric): string {
  const names = Object.keys(plan.providers.metrics);
  const name = m.provider ?? names[0] ?? '-';
  const type = plan.providers.metrics[name]?.type ?? '?';
  return `${name} (${type})${m.query ? `: ${m.query}` : ''}`;
}

function architecture(plan: Plan): Section {
  const window = plan.advance.sloWindow ?? '-';
  const phases: Block = {
    kind: 'table',
    head: ['phase', 'traffic', 'audience', 'at least', 'SLO window', 'approvals'],
    rows: plan.phases.map((p) => {
      const adv = { ...plan.advance, ...p.advance };
      const appr = adv.approvals;
      const who = appr?.approvers.map((a) => (typeof a === 'string' ? a : a.name)).join(', ');
      return [
        p.name,
        phaseServed(plan, p.name, p.traffic),
        audienceText(plan, p.audience),
        p.minDuration ?? '-',
        adv.sloWindow ?? window,
        appr && appr.required > 0 ? `${appr.required} of ${who}` : 'none',
      ];
    }),
  };
  const roles = ['flags', 'metrics', 'incidents', 'notifications'] as const;
  const providers: Block = {
    kind: 'table',
    head: ['role', 'name', 'type'],
    rows: roles.flatMap((role) => Object.entries(plan.providers[role]).map(([name, spec]) => [role, name, spec.type])),
  };
  return {
    title: 'How the rollout is built',
    blocks: [
      {
        kind: 'p',
        text: `The feature is behind the flag "${plan.flag.key}" (provider ${plan.flag.provider ?? Object.keys(plan.providers.flags)[0] ?? '-'}). Strategy: ${plan.strategy}. Each phase serves the new version to a share of its audience; a phase may be left only when its gate passes.`,
      },
      phases,
      providers,
    ],
  };
}

function troubleshooting(plan: Plan): Section {
  const gating = plan.metrics.filter((m) => m.slo || m.compare);
  const incidents = plan.advance.noOpenIncidents;
  return {
    title: 'Troubleshooting flow',
    blocks: [
      {
        kind: 'list',
        ordered: true,
        items: [
          `Where is the rollout? \`rollout status PLAN\` shows the phase, the traffic and what it waits for.`,
          'Why is it held or failed? `rollout check PLAN` lists every criterion with its numbers; `--json` for scripts.',
          'A metric without data (or with too few points) holds the gate, never passes it: `rollout doctor PLAN` checks every provider.',
          'A breached metric: find it in the table below, look at its source, and follow its contingency level.',
          incidents
            ? `An open incident of severity ${incidents} or worse blocks every advance until it is resolved.`
            : 'Open incidents do not block this plan (noOpenIncidents is off).',
          'When in doubt, hold: nothing moves until someone runs `rollout advance` and the gate passes.',
        ],
      },
      {
        kind: 'table',
        head: ['metric', 'category', 'SLO', 'severe beyond', 'on breach', 'where to look'],
        rows: gating.map((m) => [
          m.name,
          m.category,
          m.compare
            ? `${bound(m.slo, m.unit)} · against control (${m.compare.better} is better)`
            : bound(m.slo, m.unit),
          beyond(m.severe, m.unit),
          contingencyOf(plan, m.onBreach),
          providerOf(plan, m),
        ]),
      },
      {
        kind: 'table',
        head: ['level', 'action', 'what happens'],
        rows: (['light', 'moderate', 'severe'] as const).map((level) => {
          const c = plan.contingency[level];
          return [
            level,
            c ? `${c.action}${c.automatic ? ' (automatic)' : ''}` : '-',
            c ? `${ACTIONS[c.action] ?? c.action}${c.note ? `. ${c.note}` : ''}` : 'nothing configured',
          ];
        }),
      },
    ],
  };
}

function reporting(plan: Plan): Section {
  const incidentFiles = Object.entries(plan.providers.incidents).map(([name, s]) =>
    s.type === 'file' && typeof s['path'] === 'string'
      ? `${name}: add it to ${s['path']} as {"id", "severity", "status": "open", "title", "openedAt"}`
      : `${name}: open it in ${s.type}`,
  );
  return {
    title: 'Identify and report a problem',
    blocks: [
      {
        kind: 'list',
        items: [
          'Signals: a metric beyond its SLO, an alert or incident, user complaints about the feature, a mismatch in `rollout status` between what the flag serves and what was recorded.',
          'Record what you see: the time, the phase (`rollout status`), the numbers (`rollout check --json`), the users affected.',
          ...incidentFiles.map((f) => `Open an incident: ${f}.`),
          'Tell the people below on their channel; the technical team first.',
        ],
      },
    ],
  };
}

function rollbackSection(plan: Plan): Section {
  const est = plan.rollback.map((s) => (s.estimate ? parseEstimate(s.estimate) : undefined));
  const min = est.reduce((a, e) => a + (e?.min ?? 0), 0);
  const max = est.reduce((a, e) => a + (e?.max ?? 0), 0);
  const owner = plan.owner ?? 'the rollout owner';
  return {
    title: 'Rollback procedures',
    blocks: [
      {
        kind: 'p',
        text: `\`rollout rollback PLAN\` runs these steps in order and records each (\`--yes\` in CI answers the manual ones as pending). \`rollout reduce PLAN\` only goes back one phase. Estimated total: ${min === max ? formatDuration(min) : `${formatDuration(min)} to ${formatDuration(max)}`}.`,
      },
      {
        kind: 'table',
        head: ['#', 'component', 'procedure', 'how', 'estimate', 'owner'],
        rows: plan.rollback.map((s, i) => [
          String(i + 1),
          s.component,
          s.procedure,
          s.action === 'flag' ? 'flag off (automatic)' : s.run ? `command: ${s.run}` : 'by hand, confirmed by a person',
          s.estimate ?? '-',
          owner,
        ]),
      },
    ],
  };
}

function faq(plan: Plan): Section {
  const window = plan.advance.sloWindow;
  const windowMs = window ? parseDuration(window) : undefined;
  const qa: [string, string][] = [
    [
      'Why does the rollout not advance although nothing is wrong?',
      `A phase needs its soak time and ${window ? `a whole ${window} window` : 'its window'} of data at its own traffic, the checklist and the approvals; \`rollout status\` says which is missing and when it is due.`,
    ],
    [
      'What if the metrics stop arriving?',
      'No data, too few points, or values that are not numbers hold the gate (or fail it where a metric says onNoData: fail). They never pass it.',
    ],
    [
      'Who can approve a phase?',
      'The approvers the plan names (`rollout approve PLAN --by NAME`); who ran the command is recorded with the name.',
    ],
    [
      'How long does a rollback take?',
      `See the table above; steps run in order, and a re-run continues from the first step that did not finish.`,
    ],
    [
      'Is a user who got the new version moved back without a reason?',
      'Only reduce and rollback take exposure away, and the report says when.',
    ],
  ];
  if (window && windowMs !== undefined)
    qa.push([
      'How soon can the rollout complete?',
      `Each phase lasts at least its soak time and ${window} of data at its traffic; \`rollout show PLAN\` prints the earliest dates.`,
    ]);
  return { title: 'Technical FAQ', blocks: [{ kind: 'list', items: qa.map(([q, a]) => `${q} ${a}`) }] };
}

export function buildPlaybook(plan: Plan): Doc {
  const stakeholders: Section = {
    title: 'Who to tell',
    blocks: [
      plan.stakeholders.length > 0
        ? {
            kind: 'table',
            head: ['audience', 'channel', 'how often', 'owner'],
            rows: plan.stakeholders.map((s) => [s.audience, s.channel ?? '-', s.frequency ?? '-', s.owner ?? '-']),
          }
        : { kind: 'p', text: 'The plan names no stakeholders.' },
    ],
  };
  return {
    title: `Support playbook: ${plan.title ?? plan.name}`,
    lead: `Rollout "${plan.name}"${plan.service ? ` of ${plan.service}` : ''}${plan.owner ? `, owned by ${plan.owner}` : ''}. Written from the plan by \`rollout playbook\`; it changes when the plan does.`,
    sections: [
      architecture(plan),
      troubleshooting(plan),
      reporting(plan),
      rollbackSection(plan),
      stakeholders,
      faq(plan),
    ],
  };
}
