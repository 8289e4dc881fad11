/** Flag variants with values and the light contingency that serves one (`adjust-flags` + `serve`). */
import type { Rule, RuleProblem } from './rules.js';
import { didYouMean } from './suggest.js';

export const servedVariantsExist: Rule = (plan) => {
  const out: RuleProblem[] = [];
  const variants = plan.flag.variants ?? {};
  const known = Object.keys(variants).filter((v) => v !== 'off' && v !== 'on');
  // flagd (and LaunchDarkly) keep one type per flag: on and off take the values' type too
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const types = new Set(Object.values(variants).map(typeOf));
  if (types.size > 1 || types.has('null') || types.has('array'))
    out.push({
      path: ['flag', 'variants'],
      onKey: true,
      message: `every variant's value has one type (an object of parameters, a string, a number or true/false); these have ${[...types].join(', ')}`,
      hint: 'give each variant an object such as { model: v2, maxItems: 5 }',
    });
  else if (types.size === 1 && !types.has('boolean'))
    for (const v of ['on', 'off'].filter((v) => !(v in variants)))
      out.push({
        path: ['flag', 'variants'],
        onKey: true,
        message: `with values of type ${[...types][0]}, the variant "${v}" needs its value too (${v === 'on' ? 'the new version' : 'the old version'})`,
        hint: `add ${v}: { ... } under flag.variants`,
      });
  for (const level of ['light', 'moderate', 'severe'] as const) {
    const c = plan.contingency[level];
    if (!c || c.serve === undefined) continue;
    const path = ['contingency', level, 'serve'];
    if (c.action !== 'adjust-flags')
      out.push({ path, message: `serve is for the action adjust-flags, not ${c.action}`, hint: 'remove serve' });
    else if (c.serve === 'off' || c.serve === 'on')
      out.push({
        path,
        message: `serve names the variant the canary gets instead of "on"; "${c.serve}" is not one`,
        hint:
          c.serve === 'off' ? 'to turn the feature off, use the action rollback' : 'name a variant of flag.variants',
      });
    else if (!(c.serve in variants))
      out.push({
        path,
        message: `no flag variant named "${c.serve}"`,
        hint: [
          didYouMean(c.serve, known),
          known.length ? `known: ${known.join(', ')}` : 'declare it under flag.variants',
        ]
          .filter(Boolean)
          .join('; '),
      });
  }
  return out;
};
