/**
 * Asserts a computed number against a test vector written as text, to the digits shown
 * (statistics.md §7): relative tolerance 1e-7 when ≥ 9 significant digits are given, otherwise
 * half a unit in the last digit shown.
 */
import { expect } from '@jest/globals';

export function significantDigits(text: string): number {
  const mantissa = text.replace(/^[-+−]/, '').split(/e/i)[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}

export function toleranceFor(text: string): number {
  const value = Number(text.replace('−', '-'));
  if (significantDigits(text) >= 9) return Math.abs(value) * 1e-7;
  const [mantissa = '', exponent = '0'] = text.replace('−', '-').split(/e/i);
  const decimals = (mantissa.split('.')[1] ?? '').length;
  return 0.5 * 10 ** (Number(exponent) - decimals);
}

/** expect(actual) to equal the vector `expected` to the digits it shows. */
export function expectDigits(actual: number | null | undefined, expected: string): void {
  const value = Number(expected.replace('−', '-'));
  const tol = toleranceFor(expected);
  if (typeof actual !== 'number' || !(Math.abs(actual - value) <= tol)) {
    throw new Error(`expected ${actual} to equal ${expected} (±${tol.toExponential(2)})`);
  }
  expect(Math.abs(actual - value)).toBeLessThanOrEqual(tol);
}
