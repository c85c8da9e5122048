import { shown, typeOf } from '../../lib/contracts/shown';

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

describe('typeOf', () => {
  it.each<[unknown, string]>([
    ['x', 'a string'],
    [1, 'a number'],
    [true, 'a boolean'],
    [1n, 'a bigint'],
    [null, 'null'],
    [[], 'an array'],
    [{}, 'an object'],
    [undefined, 'an undefined'],
    [() => 1, 'a function'],
    [Symbol('s'), 'a symbol'],
  ])('names %p as %s', (value, type) => {
    expect(typeOf(value)).toBe(type);
  });
});

describe('shown', () => {
  it.each<[string, unknown, string]>([
    ['a string quoted', 'CA', '"CA"'],
    ['a string with quotes and a newline escaped', 'a"b\n', '"a\\"b\\n"'],
    ['a number as written', 12.5, '12.5'],
    ['minus zero as 0', -0, '0'],
    ['NaN, not null', Number.NaN, 'NaN'],
    ['-Infinity, not null', -Infinity, '-Infinity'],
    ['a bigint with its n', 12n, '12n'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['undefined as missing', undefined, 'missing'],
    ['an object as JSON', { a: [1, 'b'] }, '{"a":[1,"b"]}'],
    ['a Date by its time, not as a string', new Date(Date.UTC(2024, 4, 1)), 'a Date (2024-05-01T00:00:00.000Z)'],
    ['an invalid Date', new Date(Number.NaN), 'a Date (invalid)'],
    ['a function by its type', () => 1, 'a function'],
    ['a symbol by its type', Symbol('s'), 'a symbol'],
    ['a cycle by its type, without crashing', cyclic, 'an object'],
  ])('shows %s', (_what, value, text) => {
    expect(shown(value)).toBe(text);
  });

  it('cuts a long string after 200 characters and says how long it was', () => {
    expect(shown('x'.repeat(200))).toBe(`"${'x'.repeat(200)}"`); // whole, though its JSON is longer
    expect(shown('x'.repeat(201))).toBe(`"${'x'.repeat(200)}"… (201 characters)`);
  });

  it('cuts the JSON of a long value after 200 characters', () => {
    const text = shown(Array.from({ length: 100 }, (_, i) => i));
    expect(text).toHaveLength(201);
    expect(text).toMatch(/^\[0,1,2,.*…$/);
  });

  it('cuts where it is told to, or never', () => {
    expect(shown('abcdef', { maxLength: 3 })).toBe('"abc"… (6 characters)');
    expect(shown({ abc: 1 }, { maxLength: 3 })).toBe('{"a…');
    expect(shown('x'.repeat(1000), { maxLength: Infinity })).toBe(`"${'x'.repeat(1000)}"`);
  });

  it.each<[unknown, string]>([
    ['40', '"40" (a string)'],
    [40, '40 (a number)'],
    [[30, 90], '[30,90] (an array)'],
    [null, 'null (null)'],
    [{ a: 1 }, '{"a":1} (an object)'],
    [1n, '1n (a bigint)'],
    [Number.NaN, 'NaN (a number)'],
    [undefined, 'missing'],
    [() => 1, 'a function'],
  ])('shows %p with its type when asked: %s', (value, text) => {
    expect(shown(value, { form: 'value and type' })).toBe(text);
  });

  it.each<[unknown, string]>([
    ['  ', '"  "'],
    [42, 'a number'],
    [true, 'a boolean'],
    [null, 'null'],
    [undefined, 'missing'],
    [['s3://b/'], 'an array'],
    [{}, 'an object'],
  ])('shows %p as a string or by its type alone when asked: %s', (value, text) => {
    expect(shown(value, { form: 'string or type' })).toBe(text);
  });
});
