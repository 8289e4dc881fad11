import { closest, distance } from 'fastest-levenshtein';

/** `did you mean "sloWindow"?` when a known name is a couple of edits away. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(word, known as string[]);
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  if (distance(word.toLowerCase(), best.toLowerCase()) <= limit) return `did you mean "${best}"?`;
  return undefined;
}
