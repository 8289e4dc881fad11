/** The facts about who runs this command (the edge half of src/gates/identity.ts). */
import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import type { Runner } from '../gates/identity.js';

const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v.trim() : undefined);

function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return nonEmpty(env['USER']) ?? nonEmpty(env['LOGNAME']) ?? 'unknown';
  }
}

/** git's user.email as seen from `cwd` (repository config first); undefined without git or an address. */
function gitEmail(cwd: string): string | undefined {
  try {
    return nonEmpty(
      execFileSync('git', ['config', '--get', 'user.email'], {
        cwd,
        encoding: 'utf8',
        timeout: 2000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
  } catch {
    return undefined;
  }
}

export function currentRunner(env: NodeJS.ProcessEnv, cwd: string): Runner {
  return {
    os: osUser(env),
    host: hostname(),
    github: nonEmpty(env['GITHUB_ACTOR']),
    gitlab: nonEmpty(env['GITLAB_USER_LOGIN']),
    rolloutUser: nonEmpty(env['ROLLOUT_USER']),
    email: gitEmail(cwd),
  };
}
