/** Query templates: `{{cohort}}`, `{{window}}`, `{{service}}`, `{{flag}}`, `{{NAME}}` / `{{variables.NAME}}`. */
import type { Plan } from '../plan/schema.js';

const TOKEN = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

export function templateValues(plan: Plan, extra: { cohort: string; window: string }): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(plan.variables)) {
    vars[k] = v;
    vars[`variables.${k}`] = v;
  }
  return {
    ...vars,
    service: plan.service ?? plan.name,
    flag: plan.flag.key,
    cohort: extra.cohort,
    window: extra.window,
  };
}

/** Expands a template; an unknown name is an error naming it (never left in a query). */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(TOKEN, (_m, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new Error(
        `unknown template value {{${name}}}; known: ${Object.keys(values)
          .filter((k) => !k.startsWith('variables.'))
          .join(', ')}`,
      );
    return v;
  });
}
