import { EvaluationInputError } from '../../../lambda/evaluate/input-error';
import {
  checkPair,
  missingTransformOutput,
  objectText,
  pairTestFiles,
  testFileKeys,
} from '../../../lambda/evaluate/split';
import { inputError } from '../../support/evaluation-errors';

const TEST_DATA = { bucket: 'churn-features', key: 'features/test/' };
const TRANSFORM = { bucket: 'churn-artifacts', key: 'runs/r1/transform/' };
const PAIR = {
  test: { bucket: 'churn-features', key: 'features/test/part-0.csv' },
  output: { bucket: 'churn-artifacts', key: 'runs/r1/transform/part-0.csv.out' },
};

describe('testFileKeys', () => {
  it('leaves out folder markers, empty objects and entries without a key', () => {
    expect(
      testFileKeys([
        { Key: 'features/test/', Size: 0 },
        { Key: 'features/test/_SUCCESS', Size: 0 },
        { Key: 'features/test/part-1.csv', Size: 10 },
        { Size: 5 },
        { Key: 'features/test/sub/', Size: 3 },
        { Key: 'features/test/part-0.csv' },
      ]),
    ).toEqual(['features/test/part-0.csv', 'features/test/part-1.csv']);
  });

  it('sorts by code unit, whatever the locale: upper case before lower, digits before letters', () => {
    expect(
      testFileKeys([
        { Key: 'b', Size: 1 },
        { Key: 'B', Size: 1 },
        { Key: 'a', Size: 1 },
        { Key: '1', Size: 1 },
      ]),
    ).toEqual(['1', 'B', 'a', 'b']);
  });
});

describe('pairTestFiles', () => {
  it('puts each transform output at the test file key relative to the split, under the output prefix, with .out', () => {
    expect(pairTestFiles(TEST_DATA, TRANSFORM, ['features/test/part-0.csv', 'features/test/day=2/part-1.csv'])).toEqual(
      [
        PAIR,
        {
          test: { bucket: 'churn-features', key: 'features/test/day=2/part-1.csv' },
          output: { bucket: 'churn-artifacts', key: 'runs/r1/transform/day=2/part-1.csv.out' },
        },
      ],
    );
  });

  it('refuses an empty split, naming its prefix', () => {
    expect(inputError(() => pairTestFiles(TEST_DATA, TRANSFORM, [])).message).toBe(
      'the test split prefix s3://churn-features/features/test/ is empty: it holds no test files',
    );
  });
});

describe('objectText', () => {
  it.each([
    ['a byte order mark', '\uFEFF1,2\n', '1,2\n'],
    ['blank lines at the end', '1,2\n\n \n', '1,2\n'],
    ['no final newline', '1,2', '1,2\n'],
    ['only blank lines', '\n\n', ''],
    ['nothing', '', ''],
  ])('drops %s, so that files join without a blank line', (_what, body, text) => {
    expect(objectText(body)).toBe(text);
  });

  it('keeps a byte order mark that does not start the text', () => {
    expect(objectText('1,2\n\uFEFF0,3\n')).toBe('1,2\n\uFEFF0,3\n');
  });
});

describe('missingTransformOutput', () => {
  it('names the test file and the object expected', () => {
    const error = missingTransformOutput(PAIR);
    expect(error).toBeInstanceOf(EvaluationInputError);
    expect(error.message).toBe(
      'the transform output of test file s3://churn-features/features/test/part-0.csv is missing: ' +
        'expected s3://churn-artifacts/runs/r1/transform/part-0.csv.out',
    );
  });
});

describe('checkPair', () => {
  it('accepts as many scores as rows', () => {
    expect(() => checkPair(PAIR, '1,3\n0,4\n', '0.9\n0.2\n')).not.toThrow();
  });

  it('refuses a count mismatch, naming both objects', () => {
    expect(inputError(() => checkPair(PAIR, '1,3\n0,4\n', '0.9\n')).message).toBe(
      'test file s3://churn-features/features/test/part-0.csv has 2 rows ' +
        'but its transform output s3://churn-artifacts/runs/r1/transform/part-0.csv.out has 1 scores',
    );
  });

  it('prefixes a bad row with its object and keeps the line', () => {
    const error = inputError(() => checkPair(PAIR, '1,3\n2,4\n', '0.9\n0.2\n'));
    expect(error.message).toBe(
      's3://churn-features/features/test/part-0.csv: test split line 2: label "2" is not 0 or 1',
    );
    expect(error.line).toBe(2);
  });

  it('prefixes a bad score with the output object and keeps the line', () => {
    const error = inputError(() => checkPair(PAIR, '1,3\n0,4\n', '0.9\n1.5\n'));
    expect(error.message).toBe(
      's3://churn-artifacts/runs/r1/transform/part-0.csv.out: transform output line 2: 1.5 is not a probability in [0, 1]',
    );
    expect(error.line).toBe(2);
  });

  it('checks the test file before its scores', () => {
    expect(inputError(() => checkPair(PAIR, '', '')).message).toMatch(
      /^s3:\/\/churn-features\/.*: test split is empty$/,
    );
  });
});
