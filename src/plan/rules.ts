/**
 * Named rules across fields, run after the schema. Each returns its problems; none throws.
 */
import type { Plan } from './schema.js';
import { didYouMean } from './suggest.js';
import { checklistId } from './checklist-id.js';
import { componentsAreConsistent } from './rules-components.js';
import { scheduleIsConsistent, validateOnLastPhase } from './rules-schedule.js';
import { servedVariantsExist } from './rules-variants.js';
import { audienceSharesNeverDecrease, ofAllIsResolvable } from './of-all.js';
import { comparisonsCannotPassYet, metricsAreWellFormed, windowsAreSensible } from './rules-metrics.js';

export { checklistId };

export interface RuleProblem {
  path: (string | number)[];
  message: string;
  hint?: string | undefined;
  severity?: 'error' | 'warning';
  onKey?: boolean;
}
export type Rule = (plan: Plan) => RuleProblem[];

const refProblem = (path: (string | number)[], kind: string, name: string, known: string[]): RuleProblem => ({
  path,
  message: `no ${kind} named "${name}"`,
  hint: [didYouMean(name, known), known.length ? `known: ${known.join(', ')}` : `declare it first`]
    .filter(Boolean)
    .join('; '),
});

export const namesAreUnique: Rule = (plan) => {
  const out: RuleProblem[] = [];
  const check = (items: { name: string }[], field: string) => {
    const seen = new Map<string, number>();
    items.forEach((it, i) => {
      const first = seen.get(it.name);
      if (first !== undefined)
        out.push({
          path: [field, i, 'name'],
          message: `"${it.name}" is already the name of ${field}[${first}]`,
          hint: 'names must be unique',
        });
      else seen.set(it.name, i);
    });
  };
  check(plan.phases, 'phases');
  check(plan.metrics ?? [], 'metrics');
  plan.phases.forEach((ph, p) => {
    const ids = new Map<string, number>();
    (ph.checklist ?? []).forEach((item, i) => {
      const id = checklistId(item, i);
      if (ids.has(id))
        out.push({
          path: ['phases', p, 'checklist', i],
          message: `checklist item id "${id}" is used twice`,
          hint: 'give each item a distinct text or id',
        });
      ids.set(id, i);
    });
  });
  return out;
};

export const trafficNeverDecreases: Rule = (plan) => {
  const out: RuleProblem[] = [];
  for (let i = 1; i < plan.phases.length; i++) {
    const prev = plan.phases[i - 1]!;
    const cur = plan.phases[i]!;
    if (cur.traffic < prev.traffic) {
      out.push({
        path: ['phases', i, 'traffic'],
        message: `traffic ${cur.traffic} is lower than the previous phase "${prev.name}" (${prev.traffic})`,
        hint: 'traffic never decreases from one phase to the next; reducing traffic is a contingency (`rollout reduce`)',
      });
    }
  }
  return out;
};

function singleOrNamed(
  declared: Record<string, unknown>,
  ref: string | undefined,
  path: (string | number)[],
  kind: string,
): RuleProblem[] {
  const names = Object.keys(declared);
  if (ref !== undefined) return names.includes(ref) ? [] : [refProblem(path, kind, ref, names)];
  if (names.length === 1) return [];
  if (names.length === 0)
    return [{ path: path.slice(0, -1), message: `no ${kind} is declared`, hint: `add one under providers` }];
  return [
    {
      path: path.slice(0, -1),
      message: `several ${kind}s are declared (${names.join(', ')}); name one with \`provider\``,
      hint: `add provider: ${names[0]}`,
    },
  ];
}

export const flagProviderExists: Rule = (plan) =>
  singleOrNamed(plan.providers.flags, plan.flag.provider, ['flag', 'provider'], 'flag provider');

export const metricProviderExists: Rule = (plan) =>
  (plan.metrics ?? []).flatMap((m, i) =>
    singleOrNamed(plan.providers.metrics ?? {}, m.provider, ['metrics', i, 'provider'], 'metrics provider'),
  );

export const audienceExists: Rule = (plan) => {
  const names = Object.keys(plan.audiences ?? {});
  return plan.phases.flatMap((ph, i) =>
    ph.audience !== undefined && !names.includes(ph.audience)
      ? [refProblem(['phases', i, 'audience'], 'audience', ph.audience, names)]
      : [],
  );
};

export const notifierExists: Rule = (plan) => {
  const names = Object.keys(plan.providers.notifications ?? {});
  return (plan.stakeholders ?? []).flatMap((s, i) => {
    const refs = s.notify === undefined ? [] : Array.isArray(s.notify) ? s.notify : [s.notify];
    return refs.flatMap((r, j) =>
      names.includes(r)
        ? []
        : [
            refProblem(
              ['stakeholders', i, 'notify', ...(Array.isArray(s.notify) ? [j] : [])],
              'notification provider',
              r,
              names,
            ),
          ],
    );
  });
};

export const incidentProviderForIncidentGate: Rule = (plan) => {
  if (Object.keys(plan.providers.incidents ?? {}).length > 0) return [];
  // Reported where each use is written (the plan's `advance` or a phase's override), not at a fixed path.
  const uses: [Plan['advance'] | undefined, (string | number)[]][] = [
    [plan.advance, ['advance']],
    ...plan.phases.map((p, i): [Plan['advance'] | undefined, (string | number)[]] => [
      p.advance,
      ['phases', i, 'advance'],
    ]),
  ];
  return uses
    .filter(([a]) => a?.noOpenIncidents)
    .map(([, base]) => ({
      path: [...base, 'noOpenIncidents'],
      message: 'noOpenIncidents needs an incidents provider',
      hint: 'declare one under providers.incidents, or remove noOpenIncidents',
    }));
};

export const approvalsAreSatisfiable: Rule = (plan) => {
  const out: RuleProblem[] = [];
  const check = (a: Plan['advance'] | undefined, base: (string | number)[]) => {
    if (!a?.approvals) return;
    const { required } = a.approvals;
    const approvers = a.approvals.approvers.map((x) => (typeof x === 'string' ? x : x.name));
    if (required > 0 && approvers.length > 0 && required > new Set(approvers).size) {
      out.push({
        path: [...base, 'approvals', 'required'],
        message: `${required} distinct approvals required but only ${new Set(approvers).size} approvers listed`,
        hint: 'lower `required` or add approvers',
      });
    }
    if (required > 0 && approvers.length === 0) {
      out.push({
        path: [...base, 'approvals', 'approvers'],
        message: 'approvals are required but nobody may give them',
        hint: 'list the committee under approvers',
      });
    }
  };
  check(plan.advance, ['advance']);
  plan.phases.forEach((p, i) => {
    check(p.advance, ['phases', i, 'advance']);
  });
  return out;
};

/** `a/../../b` → `../b`; `/x` and `C:\\x` stay absolute. Pure (no fs, no cwd). */
export function normalizeRelative(dir: string): { absolute: boolean; parts: string[] } {
  const unified = dir.replace(/\\/g, '/');
  const absolute = unified.startsWith('/') || /^[A-Za-z]:\//.test(unified) || unified.startsWith('//');
  const parts: string[] = [];
  for (const seg of unified.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return { absolute, parts };
}

/** The state and reports folders stay in the plan's folder unless the plan opts out explicitly. */
export const dirsStayInPlanFolder: Rule = (plan) => {
  const out: RuleProblem[] = [];
  const check = (section: 'state' | 'reports') => {
    const s = plan[section];
    if (!s?.dir || s.allowOutsidePlanDir) return;
    const n = normalizeRelative(s.dir);
    if (n.absolute || n.parts[0] === '..') {
      out.push({
        path: [section, 'dir'],
        message: `${section}.dir "${s.dir}" is outside the plan's folder`,
        hint: `keep it inside the plan's folder, or add \`allowOutsidePlanDir: true\` under ${section} if it really belongs there`,
      });
    }
  };
  check('state');
  check('reports');
  return out;
};

export const rules: Record<string, Rule> = {
  dirsStayInPlanFolder,
  namesAreUnique,
  trafficNeverDecreases,
  flagProviderExists,
  metricProviderExists,
  audienceExists,
  notifierExists,
  incidentProviderForIncidentGate,
  approvalsAreSatisfiable,
  metricsAreWellFormed,
  windowsAreSensible,
  comparisonsCannotPassYet,
  scheduleIsConsistent,
  validateOnLastPhase,
  servedVariantsExist,
  ofAllIsResolvable,
  audienceSharesNeverDecrease,
  componentsAreConsistent,
};
