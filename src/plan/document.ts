/**
 * The YAML side of validation: parse with positions, find the node for a path, and expand
 * `${VAR}` placeholders while remembering where each came from.
 */
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { formatPath, type PlanIssue } from './issues.js';

import { MAX_DEPTH, MAX_PLAN_BYTES } from './limits.js';
export { MAX_DEPTH, MAX_PLAN_BYTES };

export interface ParsedDocument {
  doc: Document.Parsed;
  lines: LineCounter;
}

export type Located = Omit<PlanIssue, 'line' | 'column' | 'severity'> & { severity?: PlanIssue['severity'] };

export function parseYaml(text: string): { parsed?: ParsedDocument; issues: PlanIssue[] } {
  const at1 = (message: string, hint?: string): PlanIssue => ({ severity: 'error', path: '', message, hint, line: 1, column: 1 });
  if (text.length > MAX_PLAN_BYTES) {
    return { issues: [at1(`the file is ${text.length} bytes; a plan is at most ${MAX_PLAN_BYTES} bytes`, 'is this the right file?')] };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0 || text.includes('\uFFFD')) {
    return { issues: [at1('the file is binary or not UTF-8 text', 'a plan is a YAML text file')] };
  }
  if (text.trim() === '' || /^(\s*#.*\n?)*\s*$/.test(text)) {
    return { issues: [at1('the plan is empty', 'start from plans/recommendations.yaml or run `rollout schema`')] };
  }
  const lines = new LineCounter();
  // logLevel error: the parser's warnings (complex keys…) are not for the terminal; the schema reports what is wrong
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  const issues: PlanIssue[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    // The parser gives up on absurd nesting with RESOURCE_EXHAUSTION ("Maximum call stack size
    // exceeded"): say what is wrong in the plan's terms, not the parser's.
    if (e.code === 'RESOURCE_EXHAUSTION') {
      issues.push({ severity: 'error', path: '', message: `the plan nests too deeply to be read; at most ${MAX_DEPTH} levels are allowed`, hint: 'a plan is a shallow document; is this the right file?', line: pos?.line ?? 1, column: pos?.col ?? 1 });
      continue;
    }
    issues.push({
      severity: 'error',
      path: '',
      message: `YAML syntax: ${e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '')}`,
      hint: e.code === 'DUPLICATE_KEY' ? 'each key may appear once' : 'check indentation, quotes and colons',
      line: pos?.line ?? 1,
      column: pos?.col ?? 1,
    });
  }
  if (issues.length > 0) return { issues };
  const depth = nodeDepth(doc.contents);
  if (depth > MAX_DEPTH) {
    return { issues: [at1(`the plan nests ${depth} levels deep; at most ${MAX_DEPTH} are allowed`, 'a plan is a shallow document')] };
  }
  if (!isMap(doc.contents)) {
    const pos = doc.contents && isNode(doc.contents) && doc.contents.range ? lines.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    return { issues: [{ severity: 'error', path: '', message: 'the plan must be a mapping of keys (version, name, phases, ...)', hint: 'see `rollout schema`', line: pos.line, column: pos.col }] };
  }
  const aliases = aliasProblem(doc, lines);
  if (aliases) return { issues: [aliases] };
  return { parsed: { doc, lines }, issues: [] };
}

const MAX_ALIASES = 50;

/**
 * An alias whose anchor is not set before it, or more alias expansions than a plan needs (a "billion
 * laughs" bomb), would make the YAML library throw while the plan is read: report it as a problem of
 * the plan, at the alias, instead.
 */
function aliasProblem(doc: Document.Parsed, lines: LineCounter): PlanIssue | undefined {
  let unresolved: { source: string; offset: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        unresolved = { source: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (unresolved) {
    const pos = lines.linePos(unresolved.offset);
    return { severity: 'error', path: '', message: `YAML alias *${unresolved.source} names no anchor defined before it`, hint: `define &${unresolved.source} earlier, or write the value out`, line: pos.line, column: pos.col };
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return { severity: 'error', path: '', message: `the plan expands YAML aliases more than ${MAX_ALIASES} times`, hint: 'a plan needs few aliases; is this the right file?', line: 1, column: 1 };
  }
  if (isCircular(js)) return { severity: 'error', path: '', message: 'a YAML alias refers to the node that holds it (the plan would be endless)', hint: 'write the value out', line: 1, column: 1 };
  return undefined;
}

function isCircular(v: unknown, ancestors = new Set<unknown>()): boolean {
  if (!v || typeof v !== 'object') return false;
  if (ancestors.has(v)) return true;
  ancestors.add(v);
  const found = Object.values(v).some((x) => isCircular(x, ancestors));
  ancestors.delete(v);
  return found;
}

function nodeDepth(node: unknown, d = 0): number {
  if (d > MAX_DEPTH) return d;
  if (isMap(node) || isSeq(node)) {
    let max = d + 1;
    for (const item of node.items) {
      const child = isPair(item) ? item.value : item;
      max = Math.max(max, nodeDepth(child, d + 1));
      if (max > MAX_DEPTH) break;
    }
    return max;
  }
  return d;
}

/** The position of a path: the key itself when `onKey`, else its value; missing keys fall back to the parent. */
export function locate(p: ParsedDocument, path: readonly (string | number)[], onKey = false): { line: number; column: number } {
  const rest = [...path];
  while (rest.length > 0) {
    const parent = rest.length > 1 ? p.doc.getIn(rest.slice(0, -1), true) : p.doc.contents;
    const last = rest[rest.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === String(last));
      const target = pair ? (onKey || !isNode(pair.value) ? pair.key : pair.value) : undefined;
      if (isNode(target) && target.range) return toPos(p, target.range[0]);
    } else if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      if (isNode(item) && item.range) return toPos(p, item.range[0]);
    }
    rest.pop();
    onKey = true;
  }
  const root = p.doc.contents as Node | null;
  return root?.range ? toPos(p, root.range[0]) : { line: 1, column: 1 };
}

function toPos(p: ParsedDocument, offset: number): { line: number; column: number } {
  const pos = p.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function issueAt(p: ParsedDocument, path: readonly (string | number)[], i: Located, onKey = false): PlanIssue {
  return { severity: i.severity ?? 'error', ...locate(p, path, onKey), path: i.path || formatPath(path), message: i.message, hint: i.hint };
}

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
  const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const plan = obj(raw);
  list(plan['phases']).forEach((ph, i) =>
    list(obj(ph)['checklist']).forEach((item, j) => {
      if (typeof obj(item)['run'] === 'string') out.add(formatPath(['phases', i, 'checklist', j, 'run']));
    }),
  );
  list(plan['rollback']).forEach((step, i) => {
    if (typeof obj(step)['run'] === 'string') out.add(formatPath(['rollback', i, 'run']));
  });
  const metricsProviders = obj(obj(plan['providers'])['metrics']);
  // the type as it will read after expansion (a `${VAR}` type must not dodge the rule)
  const typeOf = (name: string): unknown => {
    const t = obj(metricsProviders[name])['type'];
    return typeof t === 'string' ? t.replace(PLACEHOLDER, (_m, n: string, d: string | undefined) => env[n] || d || '') : t;
  };
  const names = Object.keys(metricsProviders);
  const isCommand = (ref: unknown): boolean =>
    typeof ref === 'string' ? typeOf(ref.replace(PLACEHOLDER, (_m, n: string, d: string | undefined) => env[n] || d || '')) === 'command' : names.length === 1 && typeOf(names[0]!) === 'command';
  list(plan['metrics']).forEach((m, i) => {
    if (!isCommand(obj(m)['provider'])) return;
    for (const key of ['query', 'numerator', 'denominator']) if (typeof obj(m)[key] === 'string') out.add(formatPath(['metrics', i, key]));
  });
  const exposure = obj(plan['analysis'])['exposure'];
  if (typeof exposure === 'string' && names.some((n) => typeOf(n) === 'command')) out.add(formatPath(['analysis', 'exposure']));
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
      if (shell) for (const m of value.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) uses.push({ path, name: m[1]!, value: env[m[1]!], expanded: value, start: 0, end: 0, shell });
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
        found.push({ path, name, value: set ? v : undefined, start: out.length, end: out.length + (set ? text.length : 0), shell });
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
