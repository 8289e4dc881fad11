/**
 * Plans mutated from the reference plan, for the fuzz suites (fast-check): structural mutations of the
 * parsed plan (a value replaced by a hostile one, a key removed or added, a list item duplicated or
 * dropped, a section swapped for another's) and textual ones (bytes inserted, deleted or duplicated,
 * lines re-indented, the text cut short). Values that name files or commands are drawn from safe sets,
 * so a mutant driven through the binary reads only the sandbox and never runs a command it made up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { REPO } from './cli.js';

export const REFERENCE_TEXT = readFileSync(path.join(REPO, 'plans', 'recommendations.yaml'), 'utf8');
export const REFERENCE = parse(REFERENCE_TEXT) as Record<string, unknown>;

type Path = (string | number)[];

/** Every path in a JSON-like value, the root excluded. */
function paths(v: unknown, base: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(v))
    v.forEach((x, i) => {
      out.push([...base, i]);
      paths(x, [...base, i], out);
    });
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.push([...base, k]);
      paths(x, [...base, k], out);
    }
  return out;
}
const REFERENCE_PATHS = paths(REFERENCE);

/** Keys whose values name files, folders or commands: mutated only within safe sets. */
const SAFE: Record<string, unknown[]> = {
  path: [
    'data/recommendations-metrics.csv',
    '.rollout/flags.json',
    '.rollout/incidents.json',
    'missing.csv',
    'data',
    '/dev/null',
    '/dev/zero',
    'data/../data/recommendations-metrics.csv',
    '',
    '..',
    'recommendations.yaml',
  ],
  dir: ['.rollout', 'reports', 'state2', '../outside', '/tmp/rollout-fuzz-abs', '', '.', 'a/b/../c', '..'],
  run: ['true', 'exit 3', 'echo "${HOME}"', 'echo {{service}}', "echo '$(touch PWNED)'"],
  cwd: ['.', 'data', '..', '/nonexistent'],
  url: [
    'http://127.0.0.1:9/x',
    'https://example.invalid',
    'not a url',
    'file:///etc/passwd',
    'http://user:pass@127.0.0.1:9/',
  ],
  type: ['file', 'command', 'http', 'prometheus', 'launchdarkly', 'slack', 'webhook', 'unknown', '', 'FILE'],
};

const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '..',
    '.',
    '${UNSET_VAR}',
    '${HOME}',
    '${X:-default}',
    '{{service}}',
    '{{nope}}',
    '$(touch PWNED)',
    '`touch PWNED`',
    '\u001b]0;title\u0007\u001b[2J',
    'a\u0000b',
    '\ud800',
    '💥'.repeat(50),
    'x'.repeat(5000),
    'NaN',
    'Infinity',
    '-1',
    '1e309',
    '0x10',
    '48h',
    '0s',
    '-5m',
    '15m-30m',
    '9999999d',
    'critical',
    'rollback',
    'canary-5',
    'tech-lead',
    'true',
    'null',
    '<script>alert(1)</script>',
    ']]>',
    'a/b',
    '%2e%2e',
    '\\',
    '"',
    "'",
    '\n',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 5, 5.001, 0.01, 100, 100.5, 101, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 0.1 + 0.2, -0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}, [[]], { a: { b: { c: 1 } } }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('name', 'traffic', 'x', 'run', 'below', 'identities', 'type', 'dir'),
      hostileString,
      { maxKeys: 3 },
    ),
  },
);

export type Mutation =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown }
  | { kind: 'duplicate'; path: Path }
  | { kind: 'borrow'; path: Path; from: Path };

const pathArb = fc.constantFrom(...REFERENCE_PATHS);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), path: pathArb, value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path: pathArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      path: pathArb,
      key: fc.constantFrom(
        'extra',
        'allowOutsidePlanDir',
        'identities',
        'provider',
        'automatic',
        'audience',
        'timeout',
        'compare',
        'kind',
        '__proto__',
        'constructor',
      ),
      value: hostileValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), path: pathArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('borrow' as const), path: pathArb, from: pathArb }) },
);

function getIn(v: unknown, p: Path): unknown {
  return p.reduce<unknown>(
    (x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k as string] : undefined),
    v,
  );
}

/** Applies mutations to a deep copy; file, folder and command values stay within SAFE. */
export function applyMutations(
  base: Record<string, unknown>,
  ms: Mutation[],
  pick: (n: number) => number,
): Record<string, unknown> {
  const plan = structuredClone(base);
  for (const m of ms) {
    const parent = getIn(plan, m.path.slice(0, -1)) as Record<string | number, unknown> | unknown[] | undefined;
    const key = m.path[m.path.length - 1]!;
    if (!parent || typeof parent !== 'object') continue;
    const safe = typeof key === 'string' ? SAFE[key] : undefined;
    switch (m.kind) {
      case 'set':
        (parent as Record<string | number, unknown>)[key] = safe ? safe[pick(safe.length)] : m.value;
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete (parent as Record<string, unknown>)[key as string];
        break;
      case 'add': {
        const target = (parent as Record<string | number, unknown>)[key];
        if (target && typeof target === 'object' && !Array.isArray(target)) {
          const s = SAFE[m.key];
          Object.defineProperty(target, m.key, {
            value: s ? s[pick(s.length)] : m.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        break;
      }
      case 'duplicate':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 0, structuredClone(parent[key]));
        break;
      case 'borrow': {
        const v = getIn(plan, m.from);
        if (v !== undefined && !m.from.some((k) => typeof k === 'string' && SAFE[k]))
          (parent as Record<string | number, unknown>)[key] = structuredClone(v);
        break;
      }
    }
  }
  return plan;
}

/** A mutant plan as YAML text: structural mutations, then (sometimes) textual ones. */
export const mutantText: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    fc.infiniteStream(fc.nat()),
    fc.array(
      fc.oneof(
        fc.record({
          op: fc.constant('insert' as const),
          at: fc.nat(),
          text: fc.oneof(
            hostileString,
            fc.constantFrom(
              ':',
              '- ',
              '{',
              '[',
              '&a ',
              '*a',
              '!!binary ',
              '\t',
              '  ',
              '---\n',
              '? ',
              '|',
              '>',
              '#',
              '%YAML 1.1\n',
            ),
          ),
        }),
        fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
        fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ op: fc.constant('dupline' as const), at: fc.nat() }),
      ),
      { maxLength: 2 },
    ),
  )
  .map(([ms, stream, edits]) => {
    const it = stream[Symbol.iterator]();
    const pick = (n: number) => (it.next().value as number) % n;
    let text = stringify(applyMutations(REFERENCE, ms, pick));
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      if (e.op === 'insert') text = text.slice(0, at) + e.text + text.slice(at);
      else if (e.op === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
      else if (e.op === 'cut') text = text.slice(0, Math.max(1, at));
      else {
        const lines = text.split('\n');
        const i = at % lines.length;
        lines.splice(i, 0, lines[i]!);
        text = lines.join('\n');
      }
    }
    return text;
  });

/** Plans that stay close to valid: only value-level `set` mutations on fields that keep their type. */
export const nearValidText: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 0, max: 100 }),
    fc.constantFrom('30m', '1h', '48h', '72h', '0s', '1s', '7d'),
    fc.constantFrom('1h', '24h', '6h', '5m'),
    fc.double({ min: 0, max: 2000, noNaN: true }),
    fc.constantFrom('critical', 'high', 'medium', 'low'),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('hold', 'reduce-traffic', 'rollback', 'adjust-flags'),
    fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([traffic, soak, window, bound, severity, required, action, extraItems, automatic]) => {
    const plan = structuredClone(REFERENCE) as any;
    plan.phases[1].traffic = Math.min(traffic, plan.phases[2].traffic);
    plan.phases[1].minDuration = soak;
    plan.advance.sloWindow = window;
    plan.metrics[0].slo = { below: Math.max(bound, 1) };
    plan.metrics[0].severe = { below: Math.max(bound, 1) * 2 };
    plan.advance.noOpenIncidents = severity;
    plan.advance.approvals.required = required;
    plan.contingency.moderate = { action, automatic };
    plan.phases[0].checklist = [...plan.phases[0].checklist, ...extraItems.map((t, i) => `${t} #${i}`)];
    return stringify(plan);
  });
