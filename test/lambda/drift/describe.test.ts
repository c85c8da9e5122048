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

  it('gives one value no deviation (the sample deviation needs two)', () => {
    const [x] = describeBaseline(['x'], [['4']], [{ name: 'x', source: 'x', encoding: 'numeric' }]).numeric;
    expect(x).toMatchObject({ count: 1, mean: 4, standardDeviation: null });
  });
});
