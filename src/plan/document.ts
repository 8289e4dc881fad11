/**
 * The YAML side of validation: parse with positions, find the node for a path, and expand
 * `${VAR}` placeholders while remembering where each came from.
 */
import {
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
import { formatPath, type PlanIssue } from './issues.js';

import { MAX_ALIASES, MAX_DEPTH, MAX_PLAN_BYTES } from './limits.js';
export { MAX_ALIASES, MAX_DEPTH, MAX_PLAN_BYTES };

export interface ParsedDocument {
  doc: Document.Parsed;
  lines: LineCounter;
}

export type Located = Omit<PlanIssue, 'line' | 'column' | 'severity'> & { severity?: PlanIssue['severity'] };

export function parseYaml(text: string): { parsed?: ParsedDocument; issues: PlanIssue[] } {
  const at1 = (message: string, hint?: string): PlanIssue => ({
    severity: 'error',
    path: '',
    message,
    hint,
    line: 1,
    column: 1,
  });
  if (text.length > MAX_PLAN_BYTES) {
    return {
      issues: [
        at1(`the file is ${text.length} bytes; a plan is at most ${MAX_PLAN_BYTES} bytes`, 'is this the right file?'),
      ],
    };
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
      issues.push({
        severity: 'error',
        path: '',
        message: `the plan nests too deeply to be read; at most ${MAX_DEPTH} levels are allowed`,
        hint: 'a plan is a shallow document; is this the right file?',
        line: pos?.line ?? 1,
        column: pos?.col ?? 1,
      });
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
    return {
      issues: [
        at1(`the plan nests ${depth} levels deep; at most ${MAX_DEPTH} are allowed`, 'a plan is a shallow document'),
      ],
    };
  }
  const alias = checkAliases(doc, lines);
  if (alias) return { issues: [alias] };
  if (!isMap(doc.contents)) {
    const pos =
      doc.contents && isNode(doc.contents) && doc.contents.range
        ? lines.linePos(doc.contents.range[0])
        : { line: 1, col: 1 };
    return {
      issues: [
        {
          severity: 'error',
          path: '',
          message: 'the plan must be a mapping of keys (version, name, phases, ...)',
          hint: 'see `rollout schema`',
          line: pos.line,
          column: pos.col,
        },
      ],
    };
  }
  const aliases = aliasProblem(doc);
  if (aliases) return { issues: [aliases] };
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
        issue = {
          ...at,
          message: `more than ${MAX_ALIASES} aliases (*${node.source} here is alias number ${count}); a plan needs few`,
          hint: 'write the values out, or use fewer anchors and aliases',
        };
        return visit.BREAK;
      }
      if (node.resolve(doc) === undefined) {
        issue = {
          ...at,
          message: `the alias *${node.source} is used before its anchor &${node.source} is set (or there is no such anchor)`,
          hint: `define &${node.source} earlier in the file than *${node.source}`,
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return issue;
}

/**
 * Alias expansions past MAX_ALIASES (a "billion laughs" bomb) or an alias inside the node it names
 * would make reading the plan throw or loop: report them as problems of the plan instead.
 */
function aliasProblem(doc: Document.Parsed): PlanIssue | undefined {
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return {
      severity: 'error',
      path: '',
      message: `the plan expands YAML aliases more than ${MAX_ALIASES} times`,
      hint: 'a plan needs few aliases; is this the right file?',
      line: 1,
      column: 1,
    };
  }
  if (isCircular(js))
    return {
      severity: 'error',
      path: '',
      message: 'a YAML alias refers to the node that holds it (the plan would be endless)',
      hint: 'write the value out',
      line: 1,
      column: 1,
    };
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
export function locate(
  p: ParsedDocument,
  path: readonly (string | number)[],
  onKey = false,
): { line: number; column: number } {
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
  return {
    severity: i.severity ?? 'error',
    ...locate(p, path, onKey),
    path: i.path || formatPath(path),
    message: i.message,
    hint: i.hint,
  };
}

export { expandPlaceholders, shellTextPaths, type Expansion, type PlaceholderUse } from './placeholders.js';
