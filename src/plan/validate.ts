/**
 * validatePlan: text in, a typed plan or every problem out. Passes: YAML (with positions) →
 * placeholders → schema → named rules → provider settings against the adapter registry.
 * Pure: the environment and the registry (src/providers/registry.ts) are arguments; nothing is read
 * or written, and nothing is imported from the providers.
 */
import type { z } from 'zod';
import { SECRET_KEY } from '../redact.js';
import { expandPlaceholders, issueAt, parseYaml, type ParsedDocument } from './document.js';
import { formatPath, type PlanIssue } from './issues.js';
import { rules } from './rules.js';
import { secretValues } from './secrets.js';
import { PROVIDER_ROLES, type ProviderRole, type SettingsRegistry } from './provider-registry.js';
import { KNOWN_KEYS } from './known-keys.js';
import { planSchema, type Plan } from './schema.js';
import { didYouMean } from './suggest.js';
import { resolveOfAll } from './of-all.js';

export interface ValidatedPlan {
  plan: Plan;
  /** provider settings parsed by each adapter's schema (defaults applied), by role and name */
  providerSettings: Record<ProviderRole, Record<string, unknown>>;
  /** setting path -> environment variable it came from */
  sources: Map<string, string>;
  /** the values from the environment that are secrets (src/plan/secrets.ts): redact them everywhere */
  secrets: string[];
}

export interface ValidationResult {
  value?: ValidatedPlan;
  errors: PlanIssue[];
  warnings: PlanIssue[];
}

export function validatePlan(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  registry: SettingsRegistry,
): ValidationResult {
  const { parsed, issues } = parseYaml(text);
  if (!parsed) return { errors: issues, warnings: [] };
  const expansion = expandPlaceholders(parsed, env);
  const errors: PlanIssue[] = [...expansion.issues];
  const warnings: PlanIssue[] = [];

  const result = planSchema.safeParse(expansion.data);
  if (!result.success) for (const issue of result.error.issues.flatMap((i) => zodIssue(parsed, i))) errors.push(issue);
  // With schema errors the rules still run on the raw data, so every problem is reported at once;
  // a rule that trips over a malformed part is skipped (the schema already reported that part).
  const plan = result.success ? result.data : (expansion.data as Plan);
  const add = (issue: PlanIssue) => {
    if (issue.severity === 'warning') warnings.push(issue);
    else if (!errors.some((e) => e.path === issue.path)) errors.push(issue);
  };
  for (const [, rule] of Object.entries(rules)) {
    try {
      for (const p of rule(plan))
        add(issueAt(parsed, p.path, { message: p.message, hint: p.hint, path: '', severity: p.severity }, p.onKey));
    } catch {
      if (result.success) throw new Error('a plan rule failed on a valid plan');
    }
  }
  let providerSettings: ValidatedPlan['providerSettings'] = {
    flags: {},
    metrics: {},
    incidents: {},
    notifications: {},
  };
  try {
    providerSettings = checkProviders(parsed, plan, registry, expansion.sources, errors, warnings);
  } catch {
    if (result.success) throw new Error('the provider check failed on a valid plan');
  }
  if (errors.length > 0 || !result.success) return { errors: sortIssues(errors), warnings: sortIssues(warnings) };
  return {
    value: {
      plan: resolveOfAll(plan),
      providerSettings,
      sources: expansion.sources,
      secrets: secretValues(expansion.uses),
    },
    errors: [],
    warnings: sortIssues(warnings),
  };
}

function zodIssue(p: ParsedDocument, issue: z.core.$ZodIssue): PlanIssue[] {
  const path = issue.path.map((k) => (typeof k === 'number' ? k : String(k)));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) =>
      issueAt(
        p,
        [...path, key],
        {
          path: formatPath([...path, key]),
          message: `unknown key "${key}"`,
          hint: didYouMean(key, KNOWN_KEYS) ?? 'remove it, or see `rollout schema` for the keys this place accepts',
        },
        true,
      ),
    );
  }
  if (issue.code === 'invalid_union') {
    // Report the branch that got furthest rather than "invalid input".
    const branches = (issue as unknown as { errors: z.core.$ZodIssue[][] }).errors ?? [];
    const best = branches.sort((a, b) => depth(b) - depth(a))[0];
    if (best && best.length > 0)
      return best.flatMap((i) => zodIssue(p, { ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
  }
  let message = issue.message;
  let hint: string | undefined;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
  if (issue.code === 'invalid_value' && 'values' in issue) {
    const values = (issue.values as unknown[]).map(String);
    const got = p.doc.getIn(path);
    message = `${JSON.stringify(got)} is not allowed here`;
    hint = [typeof got === 'string' ? didYouMean(got, values) : undefined, `use one of: ${values.join(', ')}`]
      .filter(Boolean)
      .join('; ');
  }
  return [issueAt(p, path, { path: formatPath(path), message, hint })];
}

function depth(issues: z.core.$ZodIssue[]): number {
  return issues.reduce((d, i) => Math.max(d, i.code === 'invalid_type' ? i.path.length : i.path.length + 1), 0);
}

function checkProviders(
  p: ParsedDocument,
  plan: Plan,
  registries: SettingsRegistry,
  sources: Map<string, string>,
  errors: PlanIssue[],
  warnings: PlanIssue[],
): Record<ProviderRole, Record<string, unknown>> {
  const out: Record<ProviderRole, Record<string, unknown>> = {
    flags: {},
    metrics: {},
    incidents: {},
    notifications: {},
  };
  for (const role of PROVIDER_ROLES) {
    const registry = registries[role];
    for (const [name, spec] of Object.entries(plan.providers[role])) {
      const base = ['providers', role, name];
      const adapter = Object.hasOwn(registry, spec.type) ? registry[spec.type] : undefined;
      if (!adapter) {
        const known = Object.keys(registry);
        errors.push(
          issueAt(p, [...base, 'type'], {
            path: formatPath([...base, 'type']),
            message: `unknown ${role} provider type "${spec.type}"`,
            hint: [didYouMean(spec.type, known), `known: ${known.join(', ')}`].filter(Boolean).join('; '),
          }),
        );
        continue;
      }
      const r = adapter.settings.safeParse(spec);
      if (!r.success) {
        for (const i of r.error.issues) {
          for (const issue of zodIssue(p, { ...i, path: [...base, ...i.path] } as z.core.$ZodIssue)) {
            // A missing variable was already reported; don't pile a format error on top of it.
            if (!errors.some((e) => e.path === issue.path)) errors.push(issue);
          }
        }
        continue;
      }
      out[role][name] = r.data;
      // Nested settings too: `headers: { Authorization: "Bearer ..." }` is as much a secret as `token`.
      const literalSecrets = (value: unknown, path: (string | number)[]): void => {
        const key = path[path.length - 1];
        if (
          typeof value === 'string' &&
          typeof key === 'string' &&
          SECRET_KEY.test(key) &&
          key !== 'type' &&
          !sources.has(formatPath(path))
        ) {
          warnings.push(
            issueAt(p, path, {
              path: formatPath(path),
              severity: 'warning',
              message: `"${key}" is written in the plan as a literal`,
              hint: `secrets come from the environment: ${key}: "\${${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}}"`,
            }),
          );
        } else if (Array.isArray(value))
          value.forEach((v, i) => {
            literalSecrets(v, [...path, i]);
          });
        else if (value && typeof value === 'object')
          for (const [k, v] of Object.entries(value)) literalSecrets(v, [...path, k]);
      };
      for (const [key, value] of Object.entries(spec)) literalSecrets(value, [...base, key]);
    }
  }
  // A file flag provider evaluates attributes itself; it cannot know a remote segment.
  const flagName = plan.flag.provider ?? Object.keys(plan.providers.flags)[0];
  const flagType = flagName ? plan.providers.flags[flagName]?.type : undefined;
  if (flagType === 'file') {
    plan.phases.forEach((ph, i) => {
      const a = ph.audience ? plan.audiences[ph.audience] : undefined;
      if (a && 'segment' in a) {
        errors.push(
          issueAt(p, ['audiences', ph.audience!], {
            path: formatPath(['audiences', ph.audience!]),
            message: `audience "${ph.audience}" names a remote segment, which the file flag provider cannot evaluate (used by phases[${i}])`,
            hint: 'write it as { attribute: ..., in: [...] } for the file provider',
          }),
        );
      }
    });
  }
  return out;
}

function sortIssues(issues: PlanIssue[]): PlanIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
