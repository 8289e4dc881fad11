import { describe, expect, it } from '@jest/globals';
import {
  AnswerProblem,
  chooseStepSeconds,
  parseAnswer,
  prometheusError,
} from '../../../src/providers/metrics/prometheus/answer.js';

const matrix = (result: unknown[]) => ({ status: 'success', data: { resultType: 'matrix', result } });
const H = 3_600_000;

describe('chooseStepSeconds', () => {
  it.each([
    { rangeMs: 3 * H, step: 60, want: 60 },
    { rangeMs: 72 * H, step: 15, want: 24 }, // 259200 / 11000 = 23.6
    { rangeMs: 72 * H, step: 60, want: 60 },
    { rangeMs: 110_000_000, step: 10, want: 10 }, // exactly 11,000 steps is allowed
    { rangeMs: 0, step: 60, want: 60 },
    { rangeMs: 60_000, step: 0.5, want: 1 },
  ])('$rangeMs ms at $step s → $want s', ({ rangeMs, step, want }) => {
    const got = chooseStepSeconds({ fromMs: 1_000_000, toMs: 1_000_000 + rangeMs, stepSeconds: step });
    expect(got).toBe(want);
    expect(rangeMs / 1000 / got).toBeLessThanOrEqual(11_000);
  });
});

describe('parseAnswer', () => {
  it('reads a matrix: string values, float-second timestamps to ms', () => {
    const s = parseAnswer({
      body: matrix([
        {
          metric: {},
          values: [
            [1796000000.5, '0.25'],
            [1796000060, '1e-3'],
          ],
        },
      ]),
      cohort: 'canary',
      stepMs: 60_000,
    });
    expect(s).toEqual({
      points: [
        { t: 1796000000500, v: 0.25 },
        { t: 1796000060000, v: 0.001 },
      ],
      invalid: 0,
      stepMs: 60_000,
      warnings: undefined,
    });
  });

  it('drops NaN and ±Inf and counts them; never turns them into 0', () => {
    const s = parseAnswer({
      body: matrix([
        {
          metric: {},
          values: [
            [1, 'NaN'],
            [2, '+Inf'],
            [3, '-Inf'],
            [4, '0'],
            [5, ''],
          ],
        },
      ]),
      cohort: 'canary',
    });
    expect(s.points).toEqual([{ t: 4000, v: 0 }]);
    expect(s.invalid).toBe(4);
  });

  it('only numbers as Prometheus writes them: "1e999", "-1e999", " ", "0x10" are invalid; "1e+06" is a number', () => {
    const s = parseAnswer({
      body: matrix([
        {
          metric: {},
          values: [
            [1, '1e999'],
            [2, '-1e999'],
            [3, ' '],
            [4, '0x10'],
            [5, '1e+06'],
          ],
        },
      ]),
      cohort: 'canary',
    });
    expect(s.points).toEqual([{ t: 5000, v: 1e6 }]);
    expect(s.invalid).toBe(4);
  });

  it('an empty result is an empty series, not zeros', () => {
    expect(parseAnswer({ body: matrix([]), cohort: 'control' })).toMatchObject({ points: [], invalid: 0 });
  });

  it('reads vector and scalar answers as one point', () => {
    const vector = {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: { cohort: 'canary' }, value: [10, '3'] }] },
    };
    const scalar = { status: 'success', data: { resultType: 'scalar', result: [10, '4'] } };
    expect(parseAnswer({ body: vector, cohort: 'canary' }).points).toEqual([{ t: 10_000, v: 3 }]);
    expect(parseAnswer({ body: scalar, cohort: 'canary' }).points).toEqual([{ t: 10_000, v: 4 }]);
  });

  it('passes warnings on', () => {
    const body = { ...matrix([{ metric: {}, values: [[1, '1']] }]), warnings: ['remote read partial'] };
    expect(parseAnswer({ body, cohort: 'canary' }).warnings).toEqual(['remote read partial']);
  });

  describe('several series', () => {
    const two = matrix([
      { metric: { cohort: 'canary' }, values: [[1, '1']] },
      { metric: { cohort: 'control' }, values: [[1, '2']] },
    ]);
    it('takes the one whose cohort label matches', () => {
      expect(parseAnswer({ body: two, cohort: 'control' }).points).toEqual([{ t: 1000, v: 2 }]);
    });
    it('an absent cohort among labelled series is no data', () => {
      const onlyCanary = matrix([{ metric: { cohort: 'canary' }, values: [[1, '1']] }]);
      expect(parseAnswer({ body: onlyCanary, cohort: 'control' }).points).toEqual([]);
    });
    it('refuses to guess among unlabelled series and says how to filter', () => {
      const body = matrix([
        { metric: { code: '200' }, values: [[1, '1']] },
        { metric: { code: '500' }, values: [[1, '2']] },
      ]);
      expect(() => parseAnswer({ body, cohort: 'canary' })).toThrow(AnswerProblem);
      try {
        parseAnswer({ body, cohort: 'canary' });
      } catch (e) {
        expect((e as AnswerProblem).message).toMatch(/2 series \(\{code="200"\} \{code="500"\}\)/);
        expect((e as AnswerProblem).hint).toContain('{{cohort}}');
      }
    });
    it('refuses several series of the same cohort', () => {
      const body = matrix([
        { metric: { cohort: 'canary', code: '200' }, values: [[1, '1']] },
        { metric: { cohort: 'canary', code: '500' }, values: [[1, '2']] },
      ]);
      expect(() => parseAnswer({ body, cohort: 'canary' })).toThrow(/none can be told apart/);
    });
  });

  it.each([
    ['not an object', 'oops'],
    ['no data', { status: 'success' }],
    ['values not pairs', matrix([{ metric: {}, values: [[1]] }])],
    ['number values', matrix([{ metric: {}, values: [[1, 2]] }])],
    ['string result', { status: 'success', data: { resultType: 'string', result: [1, 'x'] } }],
  ])('rejects a malformed answer: %s', (_name, body) => {
    expect(() => parseAnswer({ body, cohort: 'canary' })).toThrow(AnswerProblem);
  });

  it('recognises Prometheus errors', () => {
    expect(prometheusError({ status: 'error', errorType: 'bad_data', error: 'parse error' })).toEqual({
      errorType: 'bad_data',
      error: 'parse error',
    });
    expect(prometheusError(matrix([]))).toBeUndefined();
  });
});
