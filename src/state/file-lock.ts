/**
 * The rollout's lock: a file created with O_EXCL that names its holder (a random token, pid, host,
 * when, which command). Hand-written because staleness must follow the holder's life, not a clock:
 * proper-lockfile (used before) judged a lock stale when its mtime heartbeat was 5 s old, so a live
 * run whose event loop stalled or that was suspended lost its lock while it was still writing.
 *
 * A lock is stale only when its holder is gone:
 * - on this host, its pid is dead (or was reused: the process start time differs);
 * - on another host (which cannot see our pids), its heartbeat (the file's mtime, touched every 10 s)
 *   stopped more than 60 s ago.
 * A stale lock is taken over by renaming it away (atomic: one contender wins) and creating a new one.
 * The holder checks that the lock is still its own before every write (`verify`) and stops if not.
 */
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { RolloutError } from '../errors.js';

const HEARTBEAT_MS = 10_000;
/** A holder on another host is gone when its heartbeat stopped this long ago. */
export const REMOTE_STALE_MS = 60_000;
/** A lock file being written by its creator (empty or half-written) is given this long. */
const STARTING_MS = 5_000;

export interface LockHolder {
  token: string;
  pid: number;
  host: string;
  /** the holder's process start time (Linux /proc), to tell a reused pid from the holder */
  started?: string | undefined;
  since: string;
  command?: string | undefined;
}

export interface HeldLock {
  /** Throws RolloutError('locked') when the lock file is no longer this run's. */
  verify(): void;
  release(): void;
  holder: LockHolder;
}

export function describeHolder(h: Partial<LockHolder> | undefined): string {
  if (!h || h.pid === undefined) return 'holder unknown (it is starting or finishing)';
  return `pid ${h.pid} on ${h.host} since ${h.since}${h.command ? ` (rollout ${h.command})` : ''}`;
}

export function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return h && typeof h === 'object' && typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

function processStart(pid: number): string | undefined {
  try {
    // field 22 of /proc/PID/stat, after the parenthesised command name (which may hold spaces)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a lock may be taken over, or undefined while its holder may still be at work. */
export function staleReason(h: LockHolder | undefined, mtimeMs: number, now = Date.now()): string | undefined {
  const age = now - mtimeMs;
  if (!h) return age > STARTING_MS ? 'an unreadable lock file' : undefined;
  if (h.host === hostname()) {
    if (!pidAlive(h.pid)) return `${describeHolder(h)} is gone`;
    const started = processStart(h.pid);
    if (h.started && started && started !== h.started) return `${describeHolder(h)} is gone (its pid was reused)`;
    return undefined;
  }
  return age > REMOTE_STALE_MS
    ? `${describeHolder(h)} stopped its heartbeat ${Math.round(age / 1000)}s ago`
    : undefined;
}

export async function acquireLock(args: {
  file: string;
  waitMs: number;
  since: string;
  command: string;
  onTakeOver: (why: string) => void;
}): Promise<HeldLock> {
  const holder: LockHolder = {
    token: globalThis.crypto.randomUUID(),
    pid: process.pid,
    host: hostname(),
    started: processStart(process.pid),
    since: args.since,
    command: args.command,
  };
  const deadline = Date.now() + args.waitMs;
  for (;;) {
    try {
      const fd = openSync(args.file, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(holder)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const current = readHolder(args.file);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(args.file).mtimeMs;
    } catch {
      continue; // released meanwhile: try again at once
    }
    const why = staleReason(current, mtimeMs);
    if (why && takeOver(args.file, current?.token)) {
      args.onTakeOver(why);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new RolloutError('locked', `another run holds the lock ${args.file}: ${describeHolder(current)}`, {
        hint: 'wait for it to finish and run again; a lock is taken over only when its holder is gone (its process ended, or another host stopped its heartbeat over a minute ago)',
      });
    }
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 150));
  }

  const heartbeat = setInterval(() => {
    try {
      if (readHolder(args.file)?.token === holder.token) utimesSync(args.file, new Date(), new Date());
    } catch {
      // verify() reports a lost lock at the next write
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    holder,
    verify() {
      const now = readHolder(args.file);
      if (now?.token !== holder.token) {
        throw new RolloutError(
          'locked',
          `this run lost its lock ${args.file}${now ? ` to ${describeHolder(now)}` : ''}; it stopped without writing anything more`,
          {
            hint: 'check `rollout status`: the run that holds the lock now records (or reconciles) what this one did',
          },
        );
      }
    },
    release() {
      clearInterval(heartbeat);
      if (readHolder(args.file)?.token === holder.token) rmSync(args.file, { force: true });
    },
  };
}

/**
 * Moves a stale lock aside. Atomic (rename); if what was moved turns out to be another contender's
 * fresh lock (it took over between our read and our rename), it is put back with link(), which
 * never overwrites.
 */
function takeOver(file: string, token: string | undefined): boolean {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(file, aside);
  } catch {
    return false;
  }
  const moved = readHolder(aside);
  if (moved?.token !== token) {
    try {
      linkSync(aside, file);
    } catch {
      // someone created a new lock meanwhile: the one we moved lost it, and its verify() says so
    }
    rmSync(aside, { recursive: true, force: true });
    return false;
  }
  rmSync(aside, { recursive: true, force: true });
  return true;
}
