import {
  integerOption,
  parseOptionArgs,
  reportUsageError,
  USAGE_EXIT_CODE,
  UsageError,
} from '../../../lib/shared/cli/args';

describe('parseOptionArgs', () => {
  it('reads string options, flags and --help/-h', () => {
    const args = parseOptionArgs(['--count', '3', '--check'], ['count', 'seed'], ['check']);
    expect([args.text('count'), args.text('seed'), args.flag('check'), args.help]).toEqual([
      '3',
      undefined,
      true,
      false,
    ]);
    expect(parseOptionArgs(['-h'], []).help).toBe(true);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--count'], "Option '--count <value>' argument missing"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--check=yes'], "Option '--check' does not take an argument"],
  ])('refuses %j with a UsageError: %s', (argv, message) => {
    expect(() => parseOptionArgs(argv, ['count'], ['check'])).toThrow(new UsageError(message).message);
  });

  it("drops node's hint on positional arguments, which no CLI takes", () => {
    expect(() => parseOptionArgs(['--bogus'], [])).toThrow(/^Unknown option '--bogus'$/);
  });
});

describe('integerOption', () => {
  it('is undefined when not given, and the integer when given in range', () => {
    expect(integerOption('count', undefined, { min: 1 })).toBeUndefined();
    expect(integerOption('count', '20', { min: 1, max: 20 })).toBe(20);
    expect(integerOption('seed', '-7')).toBe(-7);
  });

  it.each([
    ['0', { min: 1 }, '--n is "0"; expected an integer > 0'],
    ['1.5', { min: 1, max: 20 }, '--n is "1.5"; expected an integer from 1 to 20'],
    ['21', { min: 1, max: 20 }, '--n is "21"; expected an integer from 1 to 20'],
    ['1e3', {}, '--n is "1e3"; expected an integer'],
    [' 7', {}, '--n is " 7"; expected an integer'],
    ['99', { min: 100 }, '--n is "99"; expected an integer of at least 100'],
    ['99999999999999999999', { min: 1 }, 'expected an integer > 0 no larger than 9007199254740991'],
  ])('refuses %j (range %j): %s', (text, range, message) => {
    expect(() => integerOption('n', text, range)).toThrow(UsageError);
    expect(() => integerOption('n', text, range)).toThrow(message);
  });
});

describe('reportUsageError', () => {
  it('writes one line that says what is wrong and points at --help, and returns 2', () => {
    const chunks: string[] = [];
    const code = reportUsageError({ write: (c: string) => chunks.push(c) }, new UsageError('--x is "y"\nexpected z'));

    expect(code).toBe(USAGE_EXIT_CODE);
    expect(code).toBe(2);
    expect(chunks.join('')).toBe('error: --x is "y" expected z (run with --help to see the options)\n');
  });
});
