import { describe, expect, it } from '@jest/globals';
import { expectDigits, significantDigits, toleranceFor } from './digits.js';

describe('expectDigits (the vector tolerance helper)', () => {
  it('counts significant digits and picks the tolerance', () => {
    expect(significantDigits('0.007011253968')).toBe(10);
    expect(significantDigits('6.482473102e-9')).toBe(10);
    expect(significantDigits('0.334643')).toBe(6);
    expect(toleranceFor('0.334643')).toBeCloseTo(5e-7, 15);
    expect(toleranceFor('8.47e-6')).toBeCloseTo(5e-9, 20);
    expect(toleranceFor('−2.696309256')).toBeCloseTo(2.696309256e-7, 15);
  });
  it('fails outside the tolerance', () => {
    expect(() => expectDigits(0.3346436, '0.334643')).toThrow();
    expect(() => expectDigits(null, '1')).toThrow();
    expectDigits(0.3346434, '0.334643');
  });
});
