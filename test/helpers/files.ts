/** File checks for the end-to-end tests: what the tool wrote, and that no secret is in it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file (not folder) under `dir`, recursively, as paths joined onto `dir`. */
export function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  return files;
}

/** Throws, naming the file but not the value, if any of `files` contains any of `secrets`. */
export function expectNoSecretIn(files: readonly string[], secrets: readonly string[]): void {
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const v of secrets) if (text.includes(v)) throw new Error(`${f} contains a secret value`);
  }
}
