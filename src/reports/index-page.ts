/** The index page of a rollout's reports: every phase's report linked, with a one-line status each. Pure. */
import type { Plan } from '../plan/schema.js';
import type { RolloutState } from '../state/types.js';
import { phaseSentence } from './executive.js';
import { esc, htmlTable, page } from './html.js';
import { formatDate, messages } from './i18n.js';
import type { PhaseReport } from './model.js';
import { phaseServed } from './served.js';

export function renderIndex(args: {
  plan: Plan;
  state: RolloutState;
  /** the report of every phase reached so far */
  reports: PhaseReport[];
  /** extra documents written beside the phase reports (release notes, lessons learned) */
  extras?: { href: string; title: string }[] | undefined;
}): string {
  const { plan, state } = args;
  const lang = plan.reports.language ?? 'en';
  const m = messages(lang);
  const title = m.index.title(plan.title ?? plan.name);
  const latest = args.reports.find((r) => r.phase.name === state.phase) ?? args.reports[args.reports.length - 1];
  const rows = plan.phases.map((p, i) => {
    const r = args.reports.find((x) => x.phase.name === p.name);
    const name = `${i + 1}. ${p.name}`;
    return [
      r ? `<a href="${esc(encodeURIComponent(p.name))}.html">${esc(name)}</a>` : esc(name),
      esc(phaseServed(plan, p.name, p.traffic, m)),
      esc(m.phaseStatus[r?.phase.status ?? 'not-reached'] ?? '-'),
      r?.gate
        ? `<span class="v ${esc(r.gate.verdict)}">${esc(m.verdicts[r.gate.verdict] ?? r.gate.verdict)}</span>`
        : '-',
      esc(r ? phaseSentence(r, lang) : m.summary.notReached(p.name, phaseServed(plan, p.name, p.traffic, m))),
    ];
  });
  const e = latest?.executive;
  const body = [
    `<h1>${esc(title)}</h1>`,
    state.simulatedClock ? `<p class="sim"><strong>${esc(m.simulatedLabel)}</strong> ${esc(m.simulated)}</p>` : '',
    e
      ? `<section class="exec"><h2>${esc(m.executive)}</h2><dl><dt>${esc(m.where)}</dt><dd>${esc(e.where)}</dd><dt>${esc(m.next)}</dt><dd>${esc(e.next)}</dd></dl></section>`
      : '',
    `<p>${esc(m.index.intro)}</p>`,
    `<nav class="index">${htmlTable(
      [m.phase, m.labels.traffic, m.cols.status, m.cols.verdict, m.cols.summary],
      rows,
      m.none,
    )}</nav>`,
    args.extras?.length
      ? `<ul>${args.extras.map((x) => `<li><a href="${esc(x.href)}">${esc(x.title)}</a></li>`).join('')}</ul>`
      : '',
    `<p class="none">${esc(`${m.labels.generated}: ${formatDate(lang, latest?.generatedAt)}`)}</p>`,
  ];
  return page(lang, title, body.filter(Boolean).join('\n'));
}
