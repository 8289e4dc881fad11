/**
 * Hostile provider text stays text. An error body, an incident title or a command's output may hold
 * terminal escape sequences (`ESC ]0;title BEL` retitles the operator's terminal, `ESC [2J` clears it),
 * other control characters, bidirectional overrides that reorder what is shown, or characters XML
 * forbids (which make a JUnit file unreadable). Every such text is cleaned before it reaches a
 * terminal, a report, the journal or XML. Pure.
 *
 * Hand-written rather than strip-ansi: that removes only well-formed ANSI sequences and leaves the
 * other control characters (BEL, a lone ESC, C1 controls, NUL), which are the point here.
 */

const SEQUENCES =
  /\u001b\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[P^_X][^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b\[[0-?]*[ -/]*[@-~]?|\u009b[0-?]*[ -/]*[@-~]?|\u009d[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]?/g;
// C0 controls but tab and newline, DEL, C1 controls, bidi overrides and isolates, XML non-characters
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text without escape sequences or control characters; tabs and newlines stay (CRLF reads as LF). */
export function stripControls(text: string): string {
  if (
    !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]/.test(
      text,
    )
  )
    return text;
  return text.replace(/\r\n/g, '\n').replace(SEQUENCES, '').replace(CONTROLS, '').replace(LONE_SURROGATES, '\ufffd');
}

/** Deep-cleans every string of a JSON-like value (keys included); other values are kept. */
export function stripControlsValue<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return stripControls(v);
    if (Array.isArray(v)) return v.map(walk);
    if (
      v &&
      typeof v === 'object' &&
      (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)
    ) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [stripControls(k), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** Our own colour (SGR) sequences, the only escapes a styled line of ours may keep. */
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * For a terminal: with `keepColor`, the SGR sequences our styling added survive and everything else is
 * stripped; callers clean provider text before styling it, so the SGR left are ours.
 */
export function terminalText(text: string, keepColor: boolean): string {
  if (!keepColor) return stripControls(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SGR)) {
    out += stripControls(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + stripControls(text.slice(last));
}
