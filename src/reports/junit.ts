/**
 * Renders a phase report as JUnit XML, so CI systems show each gate criterion as a test: a failed
 * criterion is a failure, a held one is skipped (with its reason), a passing one passes. Pure.
 */
import { stripControls } from '../sanitize.js';
import type { PhaseReport } from './model.js';

/** XML 1.0 allows neither control characters (but tab and newline) nor lone surrogates: they are dropped. */
const esc = (s: string) =>
  stripControls(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderJunit(r: PhaseReport): string {
  const criteria = r.gate?.criteria ?? [];
  const failures = criteria.filter((c) => c.verdict === 'fail').length;
  const skipped = criteria.filter((c) => c.verdict === 'hold').length;
  const suite = `${r.plan.name}.${r.phase.name}`;
  const cases = criteria.map((c) => {
    const open = `    <testcase classname="${esc(suite)}" name="${esc(c.name)}" time="0">`;
    if (c.verdict === 'fail')
      return `${open}\n      <failure message="${esc(c.detail)}" type="${esc(c.level ?? 'fail')}">${esc(c.detail)}</failure>\n    </testcase>`;
    if (c.verdict === 'hold') return `${open}\n      <skipped message="${esc(`hold: ${c.detail}`)}"/>\n    </testcase>`;
    return `${open}\n      <system-out>${esc(c.detail)}</system-out>\n    </testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="rollout ${esc(r.plan.name)}" tests="${criteria.length}" failures="${failures}" skipped="${skipped}">
  <testsuite name="${esc(suite)}" tests="${criteria.length}" failures="${failures}" skipped="${skipped}" timestamp="${esc(r.gate?.evaluatedAt ?? r.generatedAt)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
