/** The stable id of a checklist item: its `id`, else a slug of its text. */
export function checklistId(item: string | { id?: string | undefined; text: string }, index: number): string {
  if (typeof item !== 'string' && item.id) return item.id;
  const text = typeof item === 'string' ? item : item.text;
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return slug || `item-${index + 1}`;
}
