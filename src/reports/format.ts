/** How every report format writes a measured value: four significant digits, then the unit. */
export function formatValue(v: number | null | undefined, unit?: string): string {
  // A journal written before non-finite values were refused may hold null (JSON's Infinity) or a string: never crash a report on it.
  if (typeof v !== 'number' || !Number.isFinite(v)) return '-';
  return `${Number(v.toPrecision(4))}${unit ? ` ${unit}` : ''}`;
}
