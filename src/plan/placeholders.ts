/**
 * `${VAR}` placeholders: expanded in every string of the plan while remembering where each came from
 * (for messages that name the variable and for deciding which values are secrets), except in shell
 * text, where they stay references the shell resolves (src/engine/shell-text.ts).
 */
import { formatPath, type PlanIssue } from './issues.js';
import { issueAt, type ParsedDocument } from './document.js';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** One `${VAR}` met in the plan: where, which variable, and where its value landed in the expanded text. */
export interface PlaceholderUse {
  path: (string | number)[];
  name: string;
  /** the variable's value; undefined when unset (a default or an error took its place) */
  value: string | undefined;
  /** the setting's whole text after expansion */
  expanded: string;
  /** offsets of the value in `expanded` (equal when nothing was spliced) */
  start: number;
  end: number;
  /** true in shell text (`run:`, a command metric's query): left as a reference, never spliced */
  shell: boolean;
}

export interface Expansion {
  /** the plan as plain data with every placeholder replaced (shell text keeps its placeholders) */
  data: unknown;
  /** `providers.flags.ld.token` -> `LD_API_TOKEN`, for error messages that name the variable */
  sources: Map<string, string>;
  /** every placeholder met, for deciding which values are secrets */
  uses: PlaceholderUse[];
  issues: PlanIssue[];
}

/**
 * The paths of shell text in a plan as written: `run:` of checklist items and rollback steps, and the
 * queries of metrics read by a `command` provider. Their placeholders are not spliced: the shell
 * receives a reference to the variable instead (src/engine/shell-text.ts), so a value is never code.
 */
export function shellTextPaths(raw: unknown, env: Readonly<Record<string, string | undefined>>): Set<string> {
  const out = new Set<string>();
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const plan = obj(raw);
  list(plan['phases']).forEach((ph, i) => {
    list(obj(ph)['checklist']).forEach((item, j) => {
      if (typeof obj(item)['run'] === 'string') out.add(formatPath(['phases', i, 'checklist', j, 'run']));
    });
  });
  list(plan['rollback']).forEach((step, i) => {
    if (typeof obj(step)['run'] === 'string') out.add(formatPath(['rollback', i, 'run']));
  });
  const metricsProviders = obj(obj(plan['providers'])['metrics']);
  // the type as it will read after expansion (a `${VAR}` type must not dodge the rule)
  const typeOf = (name: string): unknown => {
    const t = obj(metricsProviders[name])['type'];
    return typeof t === 'string'
      ? t.replace(PLACEHOLDER, (_m, n: string, d: string | undefined) => env[n] || d || '')
      : t;
  };
  const names = Object.keys(metricsProviders);
  const isCommand = (ref: unknown): boolean =>
    typeof ref === 'string'
      ? typeOf(ref.replace(PLACEHOLDER, (_m, n: string, d: string | undefined) => env[n] || d || '')) === 'command'
      : names.length === 1 && typeOf(names[0]!) === 'command';
  list(plan['metrics']).forEach((m, i) => {
    if (!isCommand(obj(m)['provider'])) return;
    for (const key of ['query', 'numerator', 'denominator'])
      if (typeof obj(m)[key] === 'string') out.add(formatPath(['metrics', i, key]));
  });
  const exposure = obj(plan['analysis'])['exposure'];
  if (typeof exposure === 'string' && names.some((n) => typeOf(n) === 'command'))
    out.add(formatPath(['analysis', 'exposure']));
  return out;
}

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string; a missing variable is an error naming it.
 * In shell text the placeholders stay (checked, not spliced).
 */
export function expandPlaceholders(p: ParsedDocument, env: Readonly<Record<string, string | undefined>>): Expansion {
  const sources = new Map<string, string>();
  const uses: PlaceholderUse[] = [];
  const issues: PlanIssue[] = [];
  const raw = p.doc.toJS({ maxAliasCount: 50 }) as unknown;
  const shellPaths = shellTextPaths(raw, env);
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      const shell = shellPaths.has(formatPath(path));
      // the shell's own `$NAME` in shell text reads the environment too: its value may be a secret to mask
      if (shell)
        for (const m of value.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g))
          uses.push({ path, name: m[1]!, value: env[m[1]!], expanded: value, start: 0, end: 0, shell });
      if (!value.includes('${')) return value;
      const found: Omit<PlaceholderUse, 'expanded'>[] = [];
      let out = '';
      let last = 0;
      for (const m of value.matchAll(PLACEHOLDER)) {
        const [whole, name, fallback] = [m[0], m[1]!, m[2]];
        out += value.slice(last, m.index);
        last = m.index + whole.length;
        const v = env[name];
        const set = v !== undefined && v !== '';
        if (!set && fallback === undefined) {
          issues.push(
            issueAt(p, path, {
              path: formatPath(path),
              message: `the environment variable ${name} is not set`,
              hint: `export ${name}=... before running rollout, or write \${${name}:-default} for a default`,
            }),
          );
        }
        if (shell) {
          found.push({ path, name, value: set ? v : undefined, start: out.length, end: out.length, shell });
          out += whole;
          continue;
        }
        sources.set(formatPath(path), name);
        const text = set ? v : (fallback ?? '');
        found.push({
          path,
          name,
          value: set ? v : undefined,
          start: out.length,
          end: out.length + (set ? text.length : 0),
          shell,
        });
        out += text;
      }
      out += value.slice(last);
      for (const f of found) uses.push({ ...f, expanded: out });
      return out;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return value;
  };
  const data = walk(raw, []);
  return { data, sources, uses, issues };
}
