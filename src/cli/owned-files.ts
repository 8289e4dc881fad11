/**
 * Files the tool owns in its state folder, set up when a rollout begins. The reference plan keeps its
 * incidents file in the state folder (`.rollout/incidents.json`), which a fresh clone does not have.
 * A missing incidents source is never read as "no open incident" (the file provider refuses it), so
 * before a rollout has started, a command that may start it (advance, checklist, approve) writes the
 * file it owns as `[]`: no incident recorded yet, in
 * a file people then edit. Once the rollout has started, a file that disappears is never recreated:
 * the gate holds until someone restores it. Files outside the state folder are the team's, never
 * written.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Services } from '../engine/services.js';
import { prepareWrite } from '../state/safe-path.js';
import type { LoadedPlan } from './load-plan.js';

export async function seedOwnedFiles(loaded: LoadedPlan, services: Services): Promise<string[]> {
  const { plan } = loaded;
  const stateDir = path.resolve(loaded.baseDir, plan.state.dir);
  const owned = Object.values(plan.providers.incidents)
    .filter((spec) => spec.type === 'file' && typeof spec['path'] === 'string')
    .map((spec) => path.resolve(loaded.baseDir, spec['path'] as string))
    .filter((file) => isInside(stateDir, file) && !existsSync(file));
  if (owned.length === 0) return [];
  try {
    if (await services.store.load()) return [];
  } catch {
    // an unreadable state is reported by the command itself; a rollout may have started
    return [];
  }
  const created: string[] = [];
  for (const file of owned) {
    try {
      // the state folder's own checks: never through a link that leaves the plan's folder
      prepareWrite(file, plan.state.allowOutsidePlanDir ? stateDir : loaded.baseDir, 0o700);
      // 'wx': never over a file another run wrote in the meantime
      writeFileSync(file, '[]\n', { flag: 'wx', mode: 0o600 });
      created.push(file);
      services.log.info(
        `created ${path.relative(process.cwd(), file) || file} with [] (no incident recorded yet): record open incidents there`,
      );
    } catch {
      // not written: the gate then holds on the missing file, which says what to do
    }
  }
  return created;
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
