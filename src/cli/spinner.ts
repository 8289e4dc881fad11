/**
 * The progress spinner (ora, loaded only when a spinner is shown; until it loads, nothing is drawn).
 * A spinner never hides a question: `stopSpinners()` (called by the interactive prompt before it asks)
 * stops every live spinner and leaves its text as a plain line; whatever ends a spinner later prints a
 * plain line at once. An end that comes before ora has loaded is written at once too, so a "✖ exit 1"
 * line is always on the screen before the next prompt.
 */
import { redact } from '../redact.js';
import { stripControls } from '../sanitize.js';
import { stdStream, writeStd } from './std-write.js';

interface Live {
  stop(): void;
}

const live = new Set<Live>();

/** Stops every live spinner (its text stays as a plain line): called before any prompt. */
export function stopSpinners(): void {
  for (const s of [...live]) s.stop();
}

type Ora = { succeed(t?: string): unknown; fail(t?: string): unknown; stopAndPersist(o: object): unknown };

export function startSpinner(text: string, color: boolean): { succeed(m?: string): void; fail(m?: string): void } {
  let spinner: Ora | undefined;
  // 'running' until ended or stopped; a stopped spinner's end is a plain line
  let mode: 'running' | 'stopped' | 'ended' = 'running';
  const line = (symbol: string, m: string) => writeStd(2, stripControls(redact(`${symbol} ${m}\n`)));
  const self: Live = {
    stop: () => {
      if (mode !== 'running') return;
      mode = 'stopped';
      live.delete(self);
      if (spinner) spinner.stopAndPersist({ symbol: '…', text: stripControls(redact(text)) });
      else line('…', text);
    },
  };
  live.add(self);
  void import('ora').then(({ default: ora }) => {
    if (mode !== 'running') return;
    spinner = ora({
      text: redact(text),
      stream: stdStream(2),
      color: color ? 'cyan' : (false as never),
      discardStdin: false,
    }).start() as Ora;
  });
  const end = (kind: 'succeed' | 'fail', m: string | undefined) => {
    const was = mode;
    mode = 'ended';
    live.delete(self);
    if (was === 'running' && spinner) spinner[kind](stripControls(redact(m ?? text)));
    else line(kind === 'succeed' ? '✔' : '✖', m ?? text);
  };
  return { succeed: (m) => end('succeed', m), fail: (m) => end('fail', m) };
}
