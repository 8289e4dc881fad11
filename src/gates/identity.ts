/**
 * Who ran a command, and whether that matches an identity a plan binds to an approver's name. Pure: the
 * CLI collects the facts (src/cli/identity.ts). How an identity is matched:
 *
 * | identity                          | matches                                                     |
 * | --------------------------------- | ----------------------------------------------------------- |
 * | `github:LOGIN`                    | `GITHUB_ACTOR` (set by GitHub Actions), ignoring case       |
 * | `gitlab:LOGIN`                    | `GITLAB_USER_LOGIN` (set by GitLab CI), ignoring case       |
 * | `os:USER`                         | the OS account running rollout, on any host                 |
 * | `os:USER@HOST`, `USER@HOST`       | that account on that host (full or short host name)         |
 * | `ADDR@DOMAIN`, `email:ADDR@DOMAIN`| `ROLLOUT_USER` or git's `user.email`, ignoring case         |
 *
 * An identity is as strong as where it comes from: the CI variables are set by the platform and the OS
 * account by the login, while `ROLLOUT_USER` and git's e-mail are the runner's own word.
 */

export interface Runner {
  /** the OS account */
  os: string;
  host: string;
  github?: string | undefined;
  gitlab?: string | undefined;
  rolloutUser?: string | undefined;
  email?: string | undefined;
}

const same = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();
const sameHost = (host: string, want: string): boolean =>
  same(host, want) || same(host.split('.')[0], want) || same(host, want.split('.')[0] ?? want);

export function matchIdentity(identity: string, r: Runner): boolean {
  const id = identity.trim();
  if (id.startsWith('github:')) return same(r.github, id.slice(7));
  if (id.startsWith('gitlab:')) return same(r.gitlab, id.slice(7));
  if (id.startsWith('os:')) {
    const [user, host] = id.slice(3).split('@') as [string, string | undefined];
    return r.os === user && (host === undefined || sameHost(r.host, host));
  }
  const addr = id.startsWith('email:') ? id.slice(6) : id;
  const at = addr.lastIndexOf('@');
  if (at < 0) return false;
  if (same(r.rolloutUser, addr) || same(r.email, addr)) return true;
  // `alice@build-01`: the OS account on that host (never for an explicit email:)
  return !id.startsWith('email:') && r.os === addr.slice(0, at) && sameHost(r.host, addr.slice(at + 1));
}

/** The runner as identities, for messages and records: `os:alice@host`, `github:alice`, … */
export function describeRunner(r: Runner): string[] {
  return [
    `os:${r.os}@${r.host}`,
    ...(r.github ? [`github:${r.github}`] : []),
    ...(r.gitlab ? [`gitlab:${r.gitlab}`] : []),
    ...(r.rolloutUser ? [`ROLLOUT_USER=${r.rolloutUser}`] : []),
    ...(r.email ? [`git:${r.email}`] : []),
  ];
}
