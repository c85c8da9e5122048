/**
 * The test split as S3 holds it, without the I/O: which listed objects are test files, where the
 * batch transform wrote each one's scores, how an object's text is cleaned so that the files can
 * be joined, and the check of each test file against its scores. The handler lists and reads; the
 * rules are here, tested without mocks.
 */
import { s3Url, type S3Location } from '../shared/s3-url';
import { EvaluationInputError } from './input-error';
import { parseLabels, parseScores, withoutTrailingBlankLines } from './parse';

/** What the pairing needs of an object in an S3 listing (a `ListObjectsV2` `Contents` entry). */
export interface ListedObject {
  readonly Key?: string;
  readonly Size?: number;
}

/** A test file and the object its transform output must be in. */
export interface TestFilePair {
  readonly test: S3Location;
  readonly output: S3Location;
}

/** The keys of the test files among `objects`, sorted; folder markers and empty objects left out. */
export function testFileKeys(objects: Iterable<ListedObject>): string[] {
  const keys: string[] = [];
  for (const object of objects) {
    if (object.Key !== undefined && !object.Key.endsWith('/') && object.Size !== 0) {
      keys.push(object.Key);
    }
  }
  // By UTF-16 code unit, as plain string comparison does: the same order as S3's for the ASCII
  // names Spark writes, and independent of the runtime's locale.
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Each test file under `testData` (its `keys`, in order) with the object its transform output must
 * be in: its key relative to `testData`, under `transformOutput`, with `.out` appended.
 * @throws EvaluationInputError when there is no test file
 */
export function pairTestFiles(
  testData: S3Location,
  transformOutput: S3Location,
  keys: readonly string[],
): TestFilePair[] {
  if (keys.length === 0) {
    throw new EvaluationInputError(`the test split prefix ${s3Url(testData)} is empty: it holds no test files`);
  }
  return keys.map((key) => ({
    test: { bucket: testData.bucket, key },
    output: { bucket: transformOutput.bucket, key: `${transformOutput.key}${key.slice(testData.key.length)}.out` },
  }));
}

/**
 * An object's text without a byte order mark or blank lines at the end, ending in a newline unless
 * it is empty: so that the files of a split can be joined without a blank line between them.
 */
export function objectText(body: string): string {
  return withoutTrailingBlankLines(body.replace(/^\uFEFF/, ''));
}

/** The error for a test file whose transform output object does not exist. */
export function missingTransformOutput({ test, output }: TestFilePair): EvaluationInputError {
  return new EvaluationInputError(
    `the transform output of test file ${s3Url(test)} is missing: expected ${s3Url(output)}`,
  );
}

/** `fn()`, with an {@link EvaluationInputError} it throws prefixed by `where`. */
function locate<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EvaluationInputError) {
      throw new EvaluationInputError(`${where}: ${e.message}`, e.line);
    }
    throw e;
  }
}

/**
 * Checks one test file against its transform output: both well formed, and as many scores as rows.
 * Checked file by file, so that an error names the file and its line, and a file with a row too
 * many cannot be made up for by the next one with a row too few.
 * @throws EvaluationInputError naming the object (and the line, when one is to blame)
 */
export function checkPair({ test, output }: TestFilePair, testCsv: string, scores: string): void {
  const rows = locate(s3Url(test), () => parseLabels(testCsv)).length;
  const lines = locate(s3Url(output), () => parseScores(scores)).length;
  if (rows !== lines) {
    throw new EvaluationInputError(
      `test file ${s3Url(test)} has ${rows} rows but its transform output ${s3Url(output)} has ${lines} scores`,
    );
  }
}
