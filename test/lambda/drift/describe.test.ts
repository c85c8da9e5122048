import { describeBaseline } from '../../../lambda/drift/describe';

describe('describeBaseline', () => {
  it('describes a numeric column as worked out by hand', () => {
    // x = 1..10, one empty field, one that is not a number: 12 rows.
    //   count 10, missing 1 (1/12), invalid 1
    //   mean 5.5; sample deviation sqrt(sum((x - 5.5)^2) / 9) = sqrt(82.5 / 9) = 3.027650
    //   quantiles (type 1, n = 10): p% -> value at rank max(1, ceil(p / 10)): 1, 1, 2, …, 9, 10
    //   edges: the deciles 10..90 % = 1..9; bins: < 1: 0, [1,2) … [8,9): 1 each, >= 9: 2 (9 and 10)
    const rows = [...Array.from({ length: 10 }, (_, i) => [String(i + 1)]), [''], ['abc']];
    const [x] = describeBaseline(['x'], rows, [{ name: 'x', source: 'x', encoding: 'numeric' }]).numeric;
    expect(x).toMatchObject({ name: 'x', count: 10, missing: 1, invalid: 1, mean: 5.5 });
    expect(x?.missingFraction).toBeCloseTo(1 / 12, 15);
    expect(x?.standardDeviation).toBeCloseTo(3.02765, 5);
    expect(x?.quantiles.map((q) => q.value)).toEqual([1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(x?.histogram).toEqual({ edges: [1, 2, 3, 4, 5, 6, 7, 8, 9], counts: [0, 1, 1, 1, 1, 1, 1, 1, 1, 2] });
  });

  it('gives a column without values no mean, deviation, quantiles or edges, and one bin', () => {
    const [x] = describeBaseline(['x'], [[''], ['']], [{ name: 'x', source: 'x', encoding: 'numeric' }]).numeric;
    expect(x).toMatchObject({
      count: 0,
      missing: 2,
      missingFraction: 1,
      mean: null,
      standardDeviation: null,
      quantiles: [],
    });
    expect(x?.histogram).toEqual({ edges: [], counts: [0] });
  });

  it.each([
    ['true in 9.7 % of rows (every decile 0)', 97, [0, 903, 97]],
    ['true in 95 % of rows (every decile 1)', 950, [0, 50, 950]],
    ['never true', 0, [0, 1000, 0]],
    ['always true', 1000, [0, 0, 1000]],
  ])('bins a boolean feature %s over the edges [0, 1]', (_case, ones, counts) => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i < ones ? '1' : '0']);
    const [flag] = describeBaseline(['flag'], rows, [{ name: 'flag', source: 'flag', encoding: 'boolean' }]).numeric;
    expect(flag?.histogram).toEqual({ edges: [0, 1], counts });
  });

  it('gives a value in over nine tenths of the rows a bin of its own below the maximum', () => {
    // 0 in 95 of 100 rows, then 3, 5, 8, 8, 12: every decile is 0, so the maximum 12 is an edge
    // too: bins < 0 (none), [0, 12) (the 95 zeros, 3, 5, 8 and 8) and >= 12 (one).
    const rows = [...Array<string[]>(95).fill(['0']), ['3'], ['5'], ['8'], ['8'], ['12']];
    const [x] = describeBaseline(['x'], rows, [{ name: 'x', source: 'x', encoding: 'numeric' }]).numeric;
    expect(x?.histogram).toEqual({ edges: [0, 12], counts: [0, 99, 1] });
  });

  it('gives one value no deviation (the sample deviation needs two)', () => {
    const [x] = describeBaseline(['x'], [['4']], [{ name: 'x', source: 'x', encoding: 'numeric' }]).numeric;
    expect(x).toMatchObject({ count: 1, mean: 4, standardDeviation: null });
  });
});
