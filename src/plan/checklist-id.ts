/**
 * The stable id of a checklist item: its `id`, else a slug of its text with diacritics folded
 * ("Validar métricas baseline" → `validar-metricas-baseline`). Ids made before diacritics were folded
 * (`validar-m-tricas-baseline`) are still accepted for one release: `legacyChecklistId` gives the old
 * form, and `answerOf` finds an answer recorded under either.
 */
type Item = string | { id?: string | undefined; text: string };

const ASCII = /^[\x00-\x7f]*$/;

const textOf = (item: Item): string => (typeof item === 'string' ? item : item.text);

function slugOf(text: string, index: number): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return slug || `item-${index + 1}`;
}

export function checklistId(item: Item, index: number): string {
  if (typeof item !== 'string' && item.id) return item.id;
  const text = textOf(item);
  // NFKD splits "é" into "e" and a combining mark, which is then dropped; "ß", "ø" and the like stay as
  // they are. ASCII text has neither (and the Unicode tables cost a start-up a fraction of a ms).
  if (ASCII.test(text)) return slugOf(text, index);
  return slugOf(text.normalize('NFKD').replace(/\p{M}/gu, ''), index);
}

/** The id this item had before diacritics were folded, when it differs from today's. */
export function legacyChecklistId(item: Item, index: number): string | undefined {
  if (typeof item !== 'string' && item.id) return undefined;
  const old = slugOf(textOf(item), index);
  return old === checklistId(item, index) ? undefined : old;
}

/** The answer recorded for an item, under its id or (one release) its id from before diacritics were folded. */
export function answerOf<T>(answers: Readonly<Record<string, T>>, item: Item, index: number): T | undefined {
  const own = answers[checklistId(item, index)];
  if (own !== undefined) return own;
  const legacy = legacyChecklistId(item, index);
  return legacy === undefined ? undefined : answers[legacy];
}
