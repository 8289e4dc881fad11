/** A problem found in a plan: where it is, what is wrong and how to fix it. */
export interface PlanIssue {
  severity: 'error' | 'warning';
  /** `phases[2].traffic`; empty for the whole file */
  path: string;
  message: string;
  hint?: string | undefined;
  line: number;
  column: number;
}

export function formatIssue(file: string, i: PlanIssue): string {
  const where = `${file}:${i.line}:${i.column}`;
  const path = i.path ? `${i.path}: ` : '';
  const hint = i.hint ? ` (${i.hint})` : '';
  return `${where} ${i.severity === 'warning' ? 'warning: ' : ''}${path}${i.message}${hint}`;
}

/** `['phases', 2, 'traffic']` -> `phases[2].traffic` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}
