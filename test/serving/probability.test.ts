import fc from 'fast-check';
import { readProbability } from '../../lib/serving/probability';

describe('readProbability', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['0.37', 0.37],
    ['.5', 0.5],
    ['1.', 1],
    ['+0.25', 0.25],
    ['1e-7', 1e-7],
    ['5E-1', 0.5],
    [' 0.5\t', 0.5],
  ])('reads %j as %d', (text, expected) => {
    expect(readProbability(text)).toBe(expected);
  });

  // Number() would turn each of these into a number in [0, 1]; none is a decimal probability.
  it.each(['', '  ', '0x1', '0b1', '1_0', 'NaN', 'Infinity', '1.0.0', '0,5', '[0.5]', '1.5', '-0.1', '2e-0'])(
    'refuses %j',
    (text) => {
      expect(readProbability(text)).toBeUndefined();
    },
  );

  it('reads back any probability as String writes it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
        // -0 is written "0", which reads back as 0: the same probability.
        expect(readProbability(String(p))).toBe(Object.is(p, -0) ? 0 : p);
      }),
    );
  });
});
