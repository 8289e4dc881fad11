/**
 * The CSV metrics file, `timestamp,metric,cohort,value`, read as its text arrives: `push` takes the
 * next piece of text and parses every line it completes, `end` the last line (which may have no
 * newline). The reader is hand-written: four unquoted columns of names and numbers need no CSV
 * library, a strict reader reports a malformed row by its line instead of guessing, and scanning
 * with indexOf, without cutting the text into lines, keeps a file of millions of rows fast. Lines
 * end at `\n` (a `\r` before it is dropped); `#` starts a comment line; blank lines are skipped.
 */
import { RowError, readNumber, readTimestamp, TableBuilder, type MetricTable } from './rows.js';

type Series = ReturnType<TableBuilder['series']>;

const unquote = (s: string) => {
  const x = s.trim();
  return x.length >= 2 && x.startsWith('"') && x.endsWith('"') ? x.slice(1, -1) : x;
};

export class CsvRows {
  private readonly table = new TableBuilder();
  private line = 0;
  private rest = '';
  private header = false;
  // Rows of one sampling instant share a timestamp and follow each other: parse it once.
  private lastTime: string | undefined;
  private lastMs = 0;
  /** the text of `metric,cohort` as written -> its series */
  private readonly written = new Map<string, Series>();

  constructor(private readonly file: string) {}

  push(text: string): void {
    let start = 0;
    if (this.rest !== '') {
      // the line the previous piece left open: joined alone, never the whole piece to it
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.rest += text;
        return;
      }
      const line = this.rest + text.slice(0, nl);
      this.rest = '';
      this.lines(line, 0, line.length);
      start = nl + 1;
    }
    const last = text.lastIndexOf('\n');
    if (last >= start) this.lines(text, start, last);
    this.rest = text.slice(Math.max(start, last + 1));
  }

  end(): MetricTable {
    const line = this.rest;
    this.rest = '';
    // text after the last newline is a line (a torn one, maybe); nothing after it is none
    if (line !== '') this.lines(line, 0, line.length);
    if (!this.header) this.checkHeader('');
    return this.table.build();
  }

  /** Every line of `text` from `pos` through the one that ends at `limit` (its newline, or the end of the text). */
  private lines(text: string, pos: number, limit: number): void {
    while (pos <= limit) {
      let end = text.indexOf('\n', pos);
      if (end < 0 || end > limit) end = limit;
      this.line++;
      if (this.header) this.row(text, pos, end);
      else this.checkHeader(text.slice(pos, end));
      pos = end + 1;
    }
  }

  private checkHeader(first: string): void {
    this.header = true;
    if (first.trim().toLowerCase().replace(/\s/g, '') !== 'timestamp,metric,cohort,value') {
      // the path may point at any file: say what is wrong, never what it holds
      throw new RowError(`${this.file}:1:1 is not a metrics CSV: the header must be "timestamp,metric,cohort,value"`);
    }
  }

  private row(text: string, pos: number, end: number): void {
    let stop = end;
    if (stop > pos && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop === pos || text.charCodeAt(pos) === 35 /* # */) return;
    const c1 = text.indexOf(',', pos);
    const c2 = c1 < 0 || c1 >= stop ? -1 : text.indexOf(',', c1 + 1);
    const c3 = c2 < 0 || c2 >= stop ? -1 : text.indexOf(',', c2 + 1);
    const extra = c3 < 0 || c3 >= stop ? -1 : text.indexOf(',', c3 + 1);
    if (c3 < 0 || c3 >= stop || (extra >= 0 && extra < stop)) {
      if (text.slice(pos, stop).trim() === '') return;
      const cols = text.slice(pos, stop).split(',').length;
      throw new RowError(`${this.file}:${this.line}:1 expected 4 columns, found ${cols}`);
    }
    const time = text.slice(pos, c1);
    if (time !== this.lastTime) {
      const r = readTimestamp(unquote(time));
      if (!r.ok) throw new RowError(`${this.file}:${this.line}:1 ${r.reason}`);
      this.lastTime = time;
      this.lastMs = r.ms;
    }
    const key = text.slice(c1 + 1, c3);
    let series = this.written.get(key);
    if (!series) {
      series = this.table.series(unquote(text.slice(c1 + 1, c2)), unquote(text.slice(c2 + 1, c3)));
      this.written.set(Buffer.from(key, 'utf8').toString('utf8'), series);
    }
    series.add(this.lastMs, readNumber(unquote(text.slice(c3 + 1, stop))));
  }
}
