import { afterEach, describe, expect, test } from '@jest/globals';
import { addSecret, clearSecrets, redact, redactValue, SECRET_KEY } from '../../src/redact.js';

afterEach(() => clearSecrets());

describe('redact', () => {
  test('a registered secret is masked everywhere in a text', () => {
    addSecret('tok-0123456789');
    expect(redact('Authorization: Bearer tok-0123456789; again tok-0123456789.')).toBe(
      'Authorization: Bearer ***; again ***.',
    );
  });

  test('nothing registered: text unchanged', () => {
    expect(redact('Bearer tok-0123456789')).toBe('Bearer tok-0123456789');
  });

  test('a secret containing another is masked whole (longest first)', () => {
    addSecret('abcd');
    addSecret('xxabcdyy');
    expect(redact('1 xxabcdyy 2 abcd')).toBe('1 *** 2 ***');
  });

  test.each([[''], ['abc'], [undefined]])('%j is too short to mask and is ignored', (s) => {
    addSecret(s);
    expect(redact('abc abcd')).toBe('abc abcd');
  });

  test('a secret URL whose path is one short segment masks the URL, not every use of that word', () => {
    addSecret('http://127.0.0.1:9123/hook');
    expect(redact('webhook hook: POST http://127.0.0.1:9123/hook failed')).toBe('webhook hook: POST *** failed');
    addSecret('http://h.example/m/x/sekret/q');
    expect(redact('404 for /m/x/sekret/q and m/x/sekret/q')).toBe('404 for *** and ***');
  });

  test('several secrets in one text', () => {
    addSecret('https://hooks.slack.example/T000/B000/XXXX');
    addSecret('dd-api-key-1234');
    expect(redact('POST https://hooks.slack.example/T000/B000/XXXX failed; DD-API-KEY dd-api-key-1234')).toBe(
      'POST *** failed; DD-API-KEY ***',
    );
  });
});

describe('redactValue', () => {
  test('nothing registered: the very same value', () => {
    const v = { a: 1 };
    expect(redactValue(v)).toBe(v);
  });

  test('nested strings, arrays and keys are masked; other values are kept', () => {
    addSecret('s3cr3t-token');
    const v = {
      seq: 3,
      ok: true,
      none: null,
      data: {
        error: 'HTTP 401 with token s3cr3t-token',
        headers: [{ Authorization: 'Bearer s3cr3t-token' }],
        's3cr3t-token': 'as a key',
      },
    };
    expect(redactValue(v)).toEqual({
      seq: 3,
      ok: true,
      none: null,
      data: { error: 'HTTP 401 with token ***', headers: [{ Authorization: 'Bearer ***' }], '***': 'as a key' },
    });
    // the input is not changed
    expect(v.data.error).toBe('HTTP 401 with token s3cr3t-token');
  });

  test('a secret holding quotes or backslashes is masked in nested values too', () => {
    addSecret('pa"ss\\word');
    expect(redactValue({ cmd: 'login --password pa"ss\\word' })).toEqual({ cmd: 'login --password ***' });
  });

  test('a digits-only secret masks strings and leaves numbers alone', () => {
    addSecret('4242');
    expect(redactValue({ pin: 'pin 4242', count: 142420, list: [4242] })).toEqual({
      pin: 'pin ***',
      count: 142420,
      list: [4242],
    });
  });

  test('class instances are written as JSON would, then masked', () => {
    addSecret('tok-0123456789');
    const at = new Date('2030-01-01T00:00:00Z');
    expect(redactValue({ at, url: new URL('https://x.example/?t=tok-0123456789') })).toEqual({
      at: '2030-01-01T00:00:00.000Z',
      url: 'https://x.example/?t=***',
    });
  });

  test('a plain string value', () => {
    addSecret('tok-0123456789');
    expect(redactValue('x tok-0123456789')).toBe('x ***');
  });
});

describe('SECRET_KEY', () => {
  test.each([
    ['token', true],
    ['apiKey', true],
    ['appKey', true],
    ['webhookUrl', true],
    ['secret', true],
    ['password', true],
    ['Authorization', true],
    ['X-Api-Key', true],
    ['Cookie', true],
    ['url', false],
    ['project', false],
    ['environment', false],
    ['path', false],
    ['severityLabel', false],
  ])('%s → %s', (key, want) => {
    expect(SECRET_KEY.test(key)).toBe(want);
  });
});

describe('the forms a secret takes', () => {
  test('a secret URL is masked by its path, which messages show without the origin', () => {
    addSecret('http://127.0.0.1:9999/m/x/sekret/q');
    expect(redact('HTTP metrics answered 500 for GET /m/x/sekret/q')).toBe('HTTP metrics answered 500 for GET ***');
    expect(redact('could not connect to http://127.0.0.1:9999 (GET /m/x/sekret/q)')).toBe(
      'could not connect to http://127.0.0.1:9999 (GET ***)',
    );
  });

  test('long credential-looking parts of a secret URL are masked on their own', () => {
    addSecret('https://hooks.slack.example/services/T0ABC123/B0DEF456/abcdefghijklmnopqrstuvwx');
    expect(redact('echo: abcdefghijklmnopqrstuvwx and T0ABC123')).toBe('echo: *** and ***');
  });

  test.each([
    ['URL-encoded', 'p@ss word/1', 'p%40ss%20word%2F1'],
    ['JSON-escaped', 'a"b\\c-1234', 'a\\"b\\\\c-1234'],
    ['HTML-escaped', 'a<b>&"c', 'a&lt;b&gt;&amp;&quot;c'],
  ])('%s', (_n, secret, form) => {
    addSecret(secret);
    expect(redact(`x ${form} y`)).toBe('x *** y');
  });

  test('a Bearer credential without its scheme', () => {
    addSecret('Bearer abcd-1234');
    expect(redact('token abcd-1234 rejected')).toBe('token *** rejected');
  });

  test('redactValue keeps JSON valid with a digits-only secret', () => {
    addSecret('1529');
    const text = JSON.stringify(redactValue({ observed: 1529, detail: 'last 1529 req/s' }));
    expect(JSON.parse(text)).toEqual({ observed: 1529, detail: 'last *** req/s' });
  });
});
