/**
 * Values never become shell text. A `run:` string or a `command` metric's query is the plan author's
 * own shell text; the values that meet it (`{{service}}`, `{{flag}}`, `{{cohort}}`, `{{window}}`, plan
 * variables, `${VAR}` placeholders) reach the shell only as environment variables, referenced from the
 * text as a double-quoted parameter expansion. The shell expands a parameter exactly once and never
 * parses its value again, so `$(…)`, backticks, `;`, `|`, quotes and newlines in a value stay data.
 *
 * Each placeholder is rewritten for the quoting context it sits in (tracked through quotes, escapes,
 * `$( )` and backticks): unquoted → `"${X}"`, inside "…" → `${X}`, inside '…' → `'"${X}"'` (close,
 * reference, reopen), so a template written inside quotes keeps working. Pure.
 */

/** `{{service}}` → `ROLLOUT_SERVICE`; plan variables (`{{region}}`, `{{variables.region}}`) → `ROLLOUT_VAR_REGION`. */
export const TEMPLATE_BUILTINS = ['service', 'flag', 'cohort', 'window'] as const;

const TEMPLATE = /^\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/;
const PLACEHOLDER = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/;

export function templateEnvName(name: string): string {
  if ((TEMPLATE_BUILTINS as readonly string[]).includes(name)) return `ROLLOUT_${name.toUpperCase()}`;
  const bare = name.startsWith('variables.') ? name.slice('variables.'.length) : name;
  return `ROLLOUT_VAR_${bare.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export interface ShellScript {
  /** the text for `sh -c`, with every value replaced by a reference */
  script: string;
  /** the variables the references name (template values only; `${VAR}` names the caller's environment) */
  env: Record<string, string>;
}

type Frame = { kind: 'plain' | 'double' | 'single' | 'backtick'; parens: number };

/**
 * Rewrites `text` for `/bin/sh -c`. With `values`, `{{name}}` templates are references to
 * `templateEnvName(name)` (an unknown name throws, naming it); without, `{{…}}` is left as text.
 * `${VAR}` and `${VAR:-default}` are always references to the caller's environment.
 */
export function toShellScript(text: string, values?: Readonly<Record<string, string>>): ShellScript {
  const env: Record<string, string> = {};
  const stack: Frame[] = [{ kind: 'plain', parens: 0 }];
  const top = () => stack[stack.length - 1]!;
  let out = '';
  let i = 0;
  const ref = (expansion: string): string => {
    const kind = top().kind;
    if (kind === 'double') return expansion;
    if (kind === 'single') return `'"${expansion}"'`;
    return `"${expansion}"`;
  };

  /** A placeholder at the start of `rest`: its length and the parameter expansion that replaces it. */
  const placeholderAt = (rest: string): { length: number; expansion: string } | undefined => {
    const t = values ? TEMPLATE.exec(rest) : null;
    if (t) {
      const name = t[1]!;
      const v = values![name];
      if (v === undefined) {
        throw new Error(
          `unknown template value {{${name}}}; known: ${Object.keys(values!)
            .filter((k) => !k.startsWith('variables.'))
            .join(', ')}`,
        );
      }
      const envName = templateEnvName(name);
      env[envName] = v;
      return { length: t[0].length, expansion: `\${${envName}}` };
    }
    const p = PLACEHOLDER.exec(rest);
    return p ? { length: p[0].length, expansion: p[0] } : undefined;
  };

  while (i < text.length) {
    const ch = text[i]!;
    const frame = top();
    const found = ch === '{' || ch === '$' ? placeholderAt(text.slice(i, i + 300)) : undefined;
    if (found) {
      out += ref(found.expansion);
      i += found.length;
      continue;
    }
    if (frame.kind === 'single') {
      // inside '…' nothing is special but the closing quote
      if (ch === "'") stack.pop();
      out += ch;
      i += 1;
      continue;
    }
    if (ch === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '$' && text[i + 1] === '(') {
      stack.push({ kind: 'plain', parens: 1 });
      out += '$(';
      i += 2;
      continue;
    }
    if (ch === '`') {
      if (frame.kind === 'backtick') stack.pop();
      else stack.push({ kind: 'backtick', parens: 0 });
    } else if (frame.kind === 'double') {
      if (ch === '"') stack.pop();
    } else if (ch === "'") {
      stack.push({ kind: 'single', parens: 0 });
    } else if (ch === '"') {
      stack.push({ kind: 'double', parens: 0 });
    } else if (ch === '(' && frame.parens > 0) {
      frame.parens += 1;
    } else if (ch === ')' && frame.parens > 0) {
      frame.parens -= 1;
      if (frame.parens === 0 && stack.length > 1) stack.pop();
    }
    out += ch;
    i += 1;
  }
  return { script: out, env };
}
