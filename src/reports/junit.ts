/**
 * Renders a gate as JUnit XML, so CI systems show each criterion as a test: a failed criterion is a
 * failure, a held one is skipped (with its reason), a passing one passes. The shape follows the JUnit
 * schema CI tools read (Jenkins' junit-10.xsd, GitLab, GitHub test reporters): `testsuite` carries
 * name, tests, failures, errors, skipped, time; `testcase` carries name, classname, time. Pure.
 */
import type { Criterion } from '../gates/types.js';
import { stripControls } from '../sanitize.js';
import type { PhaseReport } from './model.js';

/** XML 1.0 allows neither control characters (but tab and newline) nor lone surrogates: they are dropped. */
const esc = (s: string) =>
  stripControls(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');

export interface JunitInput {
  plan: string;
  phase: string;
  /** when the gate was judged (ISO) */
  at: string;
  decision?: string | undefined;
  criteria: Criterion[];
}

export function junitXml(g: JunitInput): string {
  const { criteria } = g;
  const failures = criteria.filter((c) => c.verdict === 'fail').length;
  const skipped = criteria.filter((c) => c.verdict === 'hold').length;
  const suite = `${g.plan}.${g.phase}`;
  const cases = criteria.map((c) => {
    const open = `    <testcase classname="${esc(suite)}" name="${esc(c.name)}" time="0">`;
    const detail = c.detail + (c.level ? ` [${c.level}]` : '');
    if (c.verdict === 'fail')
      return `${open}\n      <failure message="${esc(c.detail)}" type="${esc(c.level ?? 'fail')}">${esc(detail)}</failure>\n    </testcase>`;
    if (c.verdict === 'hold') return `${open}\n      <skipped message="${esc(`hold: ${detail}`)}"/>\n    </testcase>`;
    return `${open}\n      <system-out>${esc(detail)}</system-out>\n    </testcase>`;
  });
  const counts = `tests="${criteria.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0"`;
  const props = g.decision
    ? `    <properties>\n      <property name="decision" value="${esc(g.decision)}"/>\n    </properties>\n`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rollout ${esc(g.plan)}" ${counts}>
  <testsuite name="${esc(suite)}" ${counts} timestamp="${esc(g.at)}">
${props}${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

export function renderJunit(r: PhaseReport): string {
  return junitXml({
    plan: r.plan.name,
    phase: r.phase.name,
    at: r.gate?.evaluatedAt ?? r.generatedAt,
    decision: r.decision?.decision,
    criteria: r.gate?.criteria ?? [],
  });
}
