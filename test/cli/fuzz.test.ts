/**
 * Issue 7 item 9, the fuzz guard, binary tier: hostile files (alias bombs, unresolved aliases, deep
 * nesting, binary bytes, invalid UTF-8, files past the size limit) and a sample of the mutants of
 * test/plan/fuzz.test.ts go through the BUILT binary. `validate` must exit 0 or 2, within its time,
 * without a stack trace; every valid mutant of the sample is then driven through `check`,
 * `advance --dry-run` and `report` without an "unexpected error". The mutants run a few at a time,
 * so the two cores of CI stay busy without being swamped.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { validateText } from '../../src/cli/load-plan.js';
import { explain, removeSandboxes, Sandbox, T, type CliResult } from '../helpers/cli.js';
import { mutantText, nearValidText, REFERENCE_TEXT } from '../helpers/plan-mutants.js';

const SEED = Number(process.env['ROLLOUT_FUZZ_SEED'] ?? 20260618);
/** valid structural mutants driven through the binary (plus half as many invalid and near-valid ones) */
const SAMPLE = Number(process.env['ROLLOUT_FUZZ_BINARY_SAMPLE'] ?? 20);
const PARALLEL = 3;
const ENV = { ROLLOUT_NO_CACHE: '1' };

const counts = { hostile: 0, validated: 0, valid: 0, driven: 0 };
afterAll(() => {
  process.stdout.write(`fuzz (binary, seed ${SEED}): ${JSON.stringify(counts)}\n`);
  removeSandboxes();
});

function noCrash(what: string, r: CliResult): void {
  expect({ what, timedOut: r.timedOut, signal: r.signal }).toEqual({ what, timedOut: false, signal: null });
  expect({ what, unexpected: /unexpected error/i.test(r.stderr + r.stdout) }).toEqual({ what, unexpected: false });
  expect({ what, stack: /\n\s+at .+:\d+:\d+\)?/.test(r.stderr) }).toEqual({ what, stack: false });
}

async function validate(sb: Sandbox, file: string): Promise<CliResult> {
  const r = await sb.run(['validate', file], { env: ENV, timeoutMs: 20_000 });
  noCrash(`validate ${file}`, r);
  expect({ file, code: r.code, out: [0, 2].includes(r.code ?? -1) ? '' : explain(r) }).toEqual({
    file,
    code: r.code === 0 ? 0 : 2,
    out: '',
  });
  return r;
}

const deepSeq = (n: number) => `version: 1\nname: x\nnest: ${'['.repeat(n)}${']'.repeat(n)}\n`;
const deepMap = (n: number) =>
  `version: 1\nname: x\nnest:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} 1\n`;
const bomb = (levels: number) =>
  `${[
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: levels }, (_, i) => {
      const prev = String.fromCharCode(97 + i);
      const cur = String.fromCharCode(98 + i);
      return `${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`;
    }),
  ].join('\n')}\n`;

const HOSTILE: Array<[string, string | Buffer]> = [
  ['billion laughs (9 levels)', bomb(9)],
  [
    'alias bomb inside the reference plan',
    REFERENCE_TEXT.replace(
      'version: 1',
      `version: 1\nx-bomb:\n${bomb(8)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}`,
    ),
  ],
  ['an alias with no anchor', REFERENCE_TEXT.replace('version: 1', 'version: *nowhere')],
  ['a self-referencing anchor', 'version: 1\nname: &n [*n]\n'],
  [
    'merge keys of aliases',
    'base: &b { a: 1 }\nversion: 1\nname: x\nphases:\n  - <<: *b\n    name: p\n    traffic: 0\n',
  ],
  ['10 000 nested sequences', deepSeq(10_000)],
  ['100 000 nested sequences', deepSeq(100_000)],
  ['2 000 nested mappings', deepMap(2_000)],
  ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
  [
    'invalid UTF-8',
    Buffer.concat([Buffer.from('version: 1\nname: '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('\n')]),
  ],
  ['a NUL in text', 'version: 1\nname: a\u0000b\n'],
  ['UTF-16 with a BOM', Buffer.from('\ufeffversion: 1\n', 'utf16le')],
  ['over the size limit (2 MB)', `version: 1\nname: big\ntitle: "${'x'.repeat(2 * 1024 * 1024)}"\n`],
  ['just under the limit, one huge string', `${REFERENCE_TEXT}\n# ${'y'.repeat(1000 * 1000)}\n`],
  [
    '100 000 checklist items',
    REFERENCE_TEXT.replace(
      '      - Validate baseline metrics\n',
      Array.from({ length: 100_000 }, (_, i) => `      - i${i}\n`)
        .join('')
        .slice(0, 900_000),
    ),
  ],
  ['an empty file', ''],
  ['only comments', '# nothing\n# here\n'],
  ['a YAML stream of two documents', `${REFERENCE_TEXT}\n---\n${REFERENCE_TEXT}`],
  [
    'a JSON plan',
    JSON.stringify({
      version: 1,
      name: 'j',
      flag: { key: 'k' },
      providers: { flags: { f: { type: 'file', path: 'f.json' } } },
      phases: [{ name: 'a', traffic: 0 }],
    }),
  ],
  ['tags and binary scalars', 'version: !!binary aGVsbG8=\nname: !!js/function "x"\n'],
];

describe('hostile files: validate exits 0 or 2, never a stack trace or a hang', () => {
  it.each(HOSTILE)('%s', async (_name, content) => {
    const sb = Sandbox.create();
    const file = 'plans/hostile.yaml';
    writeFileSync(sb.path(file), content);
    counts.hostile += 1;
    const r = await validate(sb, file);
    // every problem is told with file:line:column
    if (r.code === 2) expect(r.stderr).toMatch(/hostile\.yaml(:\d+:\d+)?[: ]/);
    const s = await sb.run(['status', file, '--json'], { env: ENV, timeoutMs: 20_000 });
    noCrash(`status ${_name}`, s);
    expect([0, 2]).toContain(s.code);
  });
});

/**
 * The sample: structural mutants the validator accepts (found in-process with validateText, the same
 * function the binary calls), near-valid ones, and some it refuses (for `validate` alone).
 */
async function pickSample(): Promise<string[]> {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const text of fc.sample(mutantText, { numRuns: SAMPLE * 20, seed: SEED })) {
    const ok = (await validateText(text, { ROLLOUT_NO_CACHE: '1' })).value !== undefined;
    if (ok && valid.length < SAMPLE) valid.push(text);
    else if (!ok && invalid.length < SAMPLE / 2) invalid.push(text);
    if (valid.length >= SAMPLE && invalid.length >= SAMPLE / 2) break;
  }
  return [...valid, ...invalid, ...fc.sample(nearValidText, { numRuns: Math.ceil(SAMPLE / 2), seed: SEED + 1 })];
}

describe('mutants of the reference plan through the binary', () => {
  it(`valid and invalid mutants: validate exits 0 or 2; each valid one goes through check, advance --dry-run and report`, async () => {
    const sample = await pickSample();
    const queue = sample.map((text, i) => ({ text, i }));
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const sb = Sandbox.create({ now: T.canary5 });
        writeFileSync(sb.path('plans', 'recommendations.yaml'), job.text);
        counts.validated += 1;
        const v = await validate(sb, 'plans/recommendations.yaml');
        if (v.code !== 0) continue;
        counts.valid += 1;
        for (const args of [['check', '--json'], ['advance', '--dry-run', '--json'], ['report']]) {
          const r = await sb.cmd(args[0]!, args.slice(1), { env: ENV, timeoutMs: 30_000 });
          noCrash(`mutant #${job.i} ${args.join(' ')}`, r);
          expect({
            mutant: job.i,
            args,
            code: r.code,
            out: [0, 1, 3, 4].includes(r.code ?? -1) ? '' : explain(r),
          }).toEqual({ mutant: job.i, args, code: r.code, out: '' });
          if (args.includes('--json')) expect(() => r.json()).not.toThrow();
        }
        counts.driven += 1;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    expect(counts.validated).toBe(sample.length);
    expect(counts.valid).toBeGreaterThanOrEqual(SAMPLE);
  }, 900_000);
});
