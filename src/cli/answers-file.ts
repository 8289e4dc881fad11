/** The checklist's answers file (`--answers`): parsed and checked here; the engine gets a map. */
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { GivenAnswer } from '../engine/flows/checklist.js';
import { RolloutError } from '../errors.js';
import { readTextFile } from '../providers/file-text.js';

const ANSWERS_HINT =
  'an answers file is YAML or JSON mapping checklist ids (or texts) to answers, e.g. load-tests-completed: done';

/**
 * Answers file: `{ ID-or-text: done | true | "skip: reason" | { skip: reason } }`. The path may name any
 * file (`--answers /etc/shadow`): a file that is not an answers file is reported by where it goes wrong,
 * never by what it holds.
 */
export function readAnswers(file: string): Map<string, GivenAnswer> {
  let text: string;
  try {
    text = readTextFile(file, 1024 * 1024);
  } catch (e) {
    throw new RolloutError('usage', `cannot read the answers file ${file}: it ${(e as Error).message}`, {
      hint: ANSWERS_HINT,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, logLevel: 'error' });
  const at = (offset: number | undefined): string => {
    const p = lines.linePos(offset ?? 0);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    throw new RolloutError('usage', `${at(doc.errors[0]!.pos[0])} the answers file is not valid YAML or JSON`, {
      hint: ANSWERS_HINT,
    });
  }
  if (!isMap(doc.contents))
    throw new RolloutError('usage', `${at(0)} the answers file must map checklist ids (or texts) to answers`, {
      hint: ANSWERS_HINT,
    });
  const out = new Map<string, GivenAnswer>();
  for (const pair of doc.contents.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const v: unknown = isNode(pair.value) ? pair.value.toJS(doc, { maxAliasCount: 50 }) : pair.value;
    const where = at(isNode(pair.key) ? pair.key.range?.[0] : undefined);
    if (k === undefined)
      throw new RolloutError('usage', `${where} each key of the answers file must be a checklist id or text`, {
        hint: ANSWERS_HINT,
      });
    if (v === true || v === 'done' || v === 'yes') out.set(k, { status: 'done' });
    else if (typeof v === 'string' && /^skip(ped)?:/i.test(v) && v.split(':').slice(1).join(':').trim())
      out.set(k, { status: 'skipped', reason: v.split(':').slice(1).join(':').trim() });
    else if (v && typeof v === 'object' && typeof (v as { skip?: unknown }).skip === 'string')
      out.set(k, { status: 'skipped', reason: (v as { skip: string }).skip });
    else
      throw new RolloutError('usage', `${where} an answer must be done, or skip with a reason ("skip: REASON")`, {
        hint: ANSWERS_HINT,
      });
  }
  return out;
}
