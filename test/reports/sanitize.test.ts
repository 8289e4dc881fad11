import { describe, expect, test } from '@jest/globals';
import { stripControls, stripControlsValue, terminalText } from '../../src/sanitize.js';

describe('stripControls', () => {
  test.each([
    ['an OSC title, BEL-terminated', 'a\u001b]0;pwned\u0007b', 'ab'],
    ['an OSC hyperlink, ST-terminated', '\u001b]8;;http://e\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['clear screen and cursor home', 'x\u001b[2J\u001b[Hy', 'xy'],
    ['colour', '\u001b[31mred\u001b[0m', 'red'],
    ['an unterminated OSC', 'ok\u001b]0;rest of line', 'ok'],
    ['C1 CSI and OSC', 'a\u009b2Jb\u009d0;t\u009cc', 'abc'],
    ['NUL, BEL, BS, DEL', 'a\u0000b\u0007c\u0008d\u007fe', 'abcde'],
    ['CR alone', 'one\rtwo', 'onetwo'],
    ['CRLF', 'one\r\ntwo', 'one\ntwo'],
    ['bidi overrides', 'a\u202eb\u2066c', 'abc'],
    ['XML non-characters', 'a\ufffeb\uffffc', 'abc'],
    ['a lone surrogate', 'a\ud800b', 'a\ufffdb'],
    ['tabs, newlines and emoji stay', 'a\tb\nc 😀 é', 'a\tb\nc 😀 é'],
  ])('%s', (_n, input, want) => expect(stripControls(input)).toBe(want));

  test('deep: strings and keys of a value; other values kept', () => {
    expect(stripControlsValue({ 'k\u0007': ['x\u001b[2J', 1, null, true] })).toEqual({ k: ['x', 1, null, true] });
  });

  test('for a colour terminal only SGR sequences survive', () => {
    expect(terminalText('\u001b[33mwarn\u001b[39m x\u001b]0;t\u0007y\u001b[2J', true)).toBe(
      '\u001b[33mwarn\u001b[39m xy',
    );
    expect(terminalText('\u001b[33mwarn\u001b[39m', false)).toBe('warn');
  });
});
