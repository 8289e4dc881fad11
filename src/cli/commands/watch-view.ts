/**
 * `rollout watch`'s live view on a terminal: one block (the check's line, the countdown, the criteria)
 * redrawn in place at each check: the cursor goes back up over the previous block, which is cleared.
 */
import { terminalText } from '../../sanitize.js';
import type { Plan } from '../../plan/schema.js';
import { colorEnabled, type GlobalOptions, type Io } from '../io.js';
import { renderCriteria, termWidth, textWidth } from '../render.js';
import { renderSparklines } from '../render-sparklines.js';
import type { WatchBounds } from '../watch-loop.js';
import { formatDuration } from '../../plan/duration.js';
import { type Seen, watchLine } from './watch-parts.js';
import { terminalColumns } from '../std-write.js';

export class LiveView {
  private lines = 0;
  private readonly color: boolean;

  constructor(
    private readonly io: Io,
    global: GlobalOptions,
  ) {
    this.color = colorEnabled(global, process.env, true);
  }

  async draw(args: { plan: Plan; seen: Seen; bounds: WatchBounds }): Promise<void> {
    const { plan, seen, bounds } = args;
    const s = this.io.style;
    const head = `${s.bold(`rollout watch ${plan.name}`)} · every ${formatDuration(bounds.everyMs)} · until ${bounds.until}${bounds.act ? ' · advancing' : ''}`;
    const body = [head, watchLine(seen, s, bounds.act)];
    if (seen.gate) body.push('', renderCriteria(seen.gate.criteria, s, termWidth()));
    if (seen.observations) body.push('', renderSparklines(plan, seen.observations, s, termWidth()));
    body.push('', s.dim(`next check in ${formatDuration(bounds.everyMs)} · Ctrl-C stops`));
    const text = terminalText(body.join('\n'), this.color);
    // back over the previous block, clear to the end of the screen, draw the new one
    const back = this.lines > 0 ? `\u001b[${this.lines}A\r\u001b[J` : '';
    // the rows it takes on screen: a line wider than the terminal wraps onto the next row
    const cols = terminalColumns() || 80;
    this.lines = text.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(textWidth(l) / cols)), 0);
    await this.io.write(`${back}${text}\n`);
  }

  /** the final block stays on screen; what follows is printed below it */
  finish(): void {
    this.lines = 0;
  }
}
