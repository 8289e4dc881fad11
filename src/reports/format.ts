/** How every report format writes a measured value: four significant digits, then the unit. */
export function formatValue(v: number | null | undefined, unit?: string): string {
  // A journal written before non-finite values were refused may hold null (JSON's Infinity) or a string: never crash a report on it.
  if (typeof v !== 'number' || !Number.isFinite(v)) return '-';
  return `${Number(v.toPrecision(4))}${unit ? ` ${unit}` : ''}`;
}

/** Who ran `rollout approve`: the identity it matched, else the OS account and CI login; '' for old records. */
export function ranAs(a: {
  runner?: { os: string; host: string; github?: string | undefined; gitlab?: string | undefined } | undefined;
  identity?: string | undefined;
}): string {
  if (!a.runner) return '';
  const who = [
    `${a.runner.os}@${a.runner.host}`,
    a.runner.github ? `github:${a.runner.github}` : '',
    a.runner.gitlab ? `gitlab:${a.runner.gitlab}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return a.identity ? `${a.identity} (${who})` : who;
}
