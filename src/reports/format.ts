/** How every report format writes a measured value: four significant digits, then the unit. */
export function formatValue(v: number | undefined, unit?: string): string {
  return v === undefined ? '-' : `${Number(v.toPrecision(4))}${unit ? ` ${unit}` : ''}`;
}
