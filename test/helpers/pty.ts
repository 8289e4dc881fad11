/**
 * A real pseudo-terminal for CLI tests: the built binary runs inside a detached tmux session (a
 * private tmux server per terminal), keys go in with `send-keys`, the screen comes back with
 * `capture-pane`. Every step waits for the text it expects on the screen (bounded), never for a
 * fixed time, so a slow 2-core machine only makes it slower. Call `killTerminals()` in afterEach.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN, baseEnv, type Sandbox } from './cli.js';

const servers: string[] = [];
export function killTerminals(): void {
  for (const sock of servers.splice(0)) spawnSync('tmux', ['-S', sock, 'kill-server'], { stdio: 'ignore' });
}

const WAIT_MS = 30_000;

export class Terminal {
  private readonly sock: string;
  readonly session = 'rollout';
  readonly doneFile: string;

  constructor(
    readonly sb: Sandbox,
    name: string,
  ) {
    this.sock = sb.path(`${name}.sock`);
    this.doneFile = sb.path(`${name}.exit`);
    servers.push(this.sock);
  }

  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-S', this.sock, ...args], { encoding: 'utf8', env: baseEnv() });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  /** Starts `rollout <args>` in a 200x50 terminal; its exit code lands in doneFile. */
  start(args: string[]): void {
    const env = `ROLLOUT_NOW=${this.sb.clock.now} ROLLOUT_USER=pty-user`;
    const cmd = `cd '${this.sb.dir}' && env ${env} '${process.execPath}' '${BIN}' ${args.join(' ')}; echo EXIT=$? > '${this.doneFile}'`;
    // remain-on-exit keeps the last screen readable after the program ends
    this.tmux(
      'new-session',
      '-d',
      '-s',
      this.session,
      '-x',
      '200',
      '-y',
      '50',
      cmd,
      ';',
      'set-option',
      '-t',
      this.session,
      'remain-on-exit',
      'on',
    );
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
  }

  /** Waits until the screen matches; fails with the screen when it does not within WAIT_MS. */
  async waitFor(pattern: RegExp | string): Promise<string> {
    const end = Date.now() + WAIT_MS;
    for (;;) {
      const s = this.screen();
      if (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${String(pattern)} on the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for the program to end and returns its exit code. */
  async exitCode(): Promise<number> {
    const end = Date.now() + WAIT_MS;
    while (!existsSync(this.doneFile) || !/EXIT=\d+/.test(readFileSync(this.doneFile, 'utf8'))) {
      if (Date.now() > end) throw new Error(`the program did not end; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return Number(/EXIT=(\d+)/.exec(readFileSync(this.doneFile, 'utf8'))![1]);
  }
}
