/** How every report format writes a measured value: four significant digits, then the unit. */
export function formatValue(v: number | undefined, unit?: string): string {
  return v === undefined ? '-' : `${Number(v.toPrecision(4))}${unit ? ` ${unit}` : ''}`;
}

/** Who ran `rollout approve`: the identity it matched, else the OS account and CI login; '' for old records. */
export function ranAs(a: { runner?: { os: string; host: string; github?: string | undefined; gitlab?: string | undefined } | undefined; identity?: string | undefined }): string {
  if (!a.runner) return '';
  const who = [`${a.runner.os}@${a.runner.host}`, a.runner.github ? `github:${a.runner.github}` : '', a.runner.gitlab ? `gitlab:${a.runner.gitlab}` : ''].filter(Boolean).join(', ');
  return a.identity ? `${a.identity} (${who})` : who;
}
