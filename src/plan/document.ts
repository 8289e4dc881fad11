/**
 * The YAML side of validation: parse with positions, find the node for a path, and expand
 * `${VAR}` placeholders while remembering where each came from.
 */
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { formatPath, type PlanIssue } from './issues.js';

import { MAX_ALIASES, MAX_DEPTH, MAX_PLAN_BYTES } from './limits.js';
export { MAX_ALIASES, MAX_DEPTH, MAX_PLAN_BYTES };

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
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
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
  const alias = checkAliases(doc, lines);
  if (alias) return { issues: [alias] };
  if (!isMap(doc.contents)) {
    const pos = doc.contents && isNode(doc.contents) && doc.contents.range ? lines.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    return { issues: [{ severity: 'error', path: '', message: 'the plan must be a mapping of keys (version, name, phases, ...)', hint: 'see `rollout schema`', line: pos.line, column: pos.col }] };
  }
  return { parsed: { doc, lines }, issues: [] };
}

/** Every alias must follow its anchor, and a plan has at most MAX_ALIASES of them. */
function checkAliases(doc: Document.Parsed, lines: LineCounter): PlanIssue | undefined {
  let count = 0;
  let issue: PlanIssue | undefined;
  visit(doc, {
    Alias(_key, node) {
      count++;
      const pos = node.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
      const at = { severity: 'error' as const, path: '', line: pos.line, column: pos.col };
      if (count > MAX_ALIASES) {
        issue = { ...at, message: `more than ${MAX_ALIASES} aliases (*${node.source} here is alias number ${count}); a plan needs few`, hint: 'write the values out, or use fewer anchors and aliases' };
        return visit.BREAK;
      }
      if (node.resolve(doc) === undefined) {
        issue = { ...at, message: `the alias *${node.source} is used before its anchor &${node.source} is set (or there is no such anchor)`, hint: `define &${node.source} earlier in the file than *${node.source}` };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return issue;
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

export interface Expansion {
  /** the plan as plain data with every placeholder replaced */
  data: unknown;
  /** `providers.flags.ld.token` -> `LD_API_TOKEN`, for error messages that name the variable */
  sources: Map<string, string>;
  /** every value that came from the environment, to be redacted from output */
  expandedValues: string[];
  issues: PlanIssue[];
}

/** Replaces `${VAR}` (and `${VAR:-default}`) in every string; a missing variable is an error naming it. */
export function expandPlaceholders(p: ParsedDocument, env: Readonly<Record<string, string | undefined>>): Expansion {
  const sources = new Map<string, string>();
  const expandedValues: string[] = [];
  const issues: PlanIssue[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value;
      return value.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) => {
        const v = env[name];
        sources.set(formatPath(path), name);
        if (v !== undefined && v !== '') {
          expandedValues.push(v);
          return v;
        }
        if (fallback !== undefined) return fallback;
        issues.push(
          issueAt(p, path, {
            path: formatPath(path),
            message: `the environment variable ${name} is not set`,
            hint: `export ${name}=... before running rollout, or write \${${name}:-default} for a default`,
          }),
        );
        return '';
      });
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return value;
  };
  let js: unknown;
  try {
    js = p.doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // aliases that expand to too much (nested ones): the parser's guard, said in the plan's terms
    issues.push({ severity: 'error', path: '', line: 1, column: 1, message: `the plan cannot be expanded: ${(e as Error).message}`, hint: 'use fewer anchors and aliases' });
    return { data: {}, sources, expandedValues, issues };
  }
  const data = walk(js, []);
  return { data, sources, expandedValues, issues };
}
