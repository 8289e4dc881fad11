/**
 * Paths stay where they belong: nothing is written through a symbolic link that leads out of the
 * folder a file belongs in. Before a write, the real path of the file's folder (links resolved, as far
 * as it exists) must lie inside the real path of `root`, and the file itself must not be a link that
 * leads out of its folder. Missing folders are created (with `dirMode`: 0700 for the state).
 *
 * `root` is the plan's folder for the state and the reports (or the configured folder itself when the
 * plan opts out with `allowOutsidePlanDir`), the file's own folder for a flag file.
 */
import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { RolloutError } from '../errors.js';

/** The real path of `p`: links resolved in the part that exists, the rest appended as written. */
export function realPath(p: string): string {
  let cur = path.resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = path.dirname(cur);
      if (parent === cur) return path.join(cur, ...rest);
      rest.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function refuse(file: string, why: string): RolloutError {
  return new RolloutError('usage', `refusing to write ${file}: ${why}`, {
    hint: 'rollout never writes through a symbolic link that leaves its folder; remove the link, or point the plan at a real folder',
  });
}

/** Creates the folder of `file` and checks the write stays inside `root` (see above); throws RolloutError('usage'). */
export function prepareWrite(file: string, root: string, dirMode?: number): void {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const rootReal = realPath(root);
  if (!isInside(realPath(dir), rootReal))
    throw refuse(target, `its folder leads outside ${root} (through a symbolic link)`);
  mkdirSync(dir, { recursive: true, ...(dirMode === undefined ? {} : { mode: dirMode }) });
  const dirReal = realpathSync(dir);
  if (!isInside(dirReal, rootReal)) throw refuse(target, `its folder leads outside ${root} (through a symbolic link)`);
  let st: Stats;
  try {
    st = lstatSync(target);
  } catch {
    return;
  }
  if (st.isSymbolicLink() && !isInside(realPath(target), dirReal))
    throw refuse(target, 'it is a symbolic link that leads out of its folder');
  if (!st.isSymbolicLink() && !st.isFile()) throw refuse(target, 'it is not a regular file');
}
