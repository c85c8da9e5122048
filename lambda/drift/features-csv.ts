/**
 * The drift comparison of two CSV texts in the features' layout: a header line naming the feature
 * columns (`FEATURE_COLUMNS`, no label), then one customer per line, fields separated by commas and
 * never quoted (no feature value holds a comma). What `npm run drift` and the local lifecycle
 * compare; pure (texts in), so the reading of files stays with the caller.
 *
 * The two files are held to different standards, as the function in AWS holds its two documents:
 * - the baseline is the reference the verdicts are measured from, so it must be exactly the
 *   features' layout: every column in order, every row as wide as the header, every value a number
 *   (a one-hot value 0 or 1, at most one 1 per group) or empty. Anything else is refused with a
 *   {@link FeaturesCsvError} naming the file, the line, the column and the value;
 * - the current file is the data being judged, so what is wrong with it is a finding, not an
 *   error: a column missing, extra or out of order, a row of the wrong width, a value that is not a
 *   number all become schema-violation checks (`act`) in the comparison. Only a first line that is
 *   no header at all (no feature column, an empty or repeated name, a number) is refused, since then
 *   no column can be told from another.
 */
import type { BaselineStatistics, CurrentStatistics } from '../../lib/contracts/baseline-statistics';
import { type FeatureColumn, featureManifest, LABEL_COLUMN } from '../../lib/contracts/feature-manifest';
import { compareStatistics, type DriftReport } from './compare';
import { describeBaseline, describeCurrent, fieldKind } from './describe';
import type { DriftThresholds } from './thresholds';

/** Thrown when a CSV text cannot be compared; the message names the file, the line and the value. */
export class FeaturesCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeaturesCsvError';
  }
}

/** A CSV text and the name it is shown by in messages (a path, an S3 URL). */
export interface CsvSource {
  readonly file: string;
  readonly text: string;
}

/** A parsed features CSV: its header's columns and its rows' fields (untrimmed, as read). */
export interface FeaturesCsv {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A field as a message shows it: JSON-quoted, cut at 40 characters. */
function shownField(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 40 ? `${json.slice(0, 37)}..."` : json;
}

/** The lines of a text: a byte-order mark and one final line break are not content. */
function linesOf(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

/** The header's column names, checked to be a header: not empty, distinct, not data, no label. */
function headerOf(line: string | undefined, file: string, features: readonly FeatureColumn[]): string[] {
  const expected = features.map((f) => f.name).join(',');
  if (line === undefined) {
    throw new FeaturesCsvError(`${file} is empty; expected a header line naming the feature columns: ${expected}`);
  }
  const columns = line.split(',').map((c) => c.trim());
  const known = new Set(features.map((f) => f.name));
  columns.forEach((column, i) => {
    const where = `${file} line 1, column ${i + 1}`;
    if (column === '') {
      throw new FeaturesCsvError(`${where} is empty; expected a column name (the features' header: ${expected})`);
    }
    if (fieldKind(column) === 'value') {
      throw new FeaturesCsvError(
        `${where} is ${shownField(column)}, a number: the file has no header. ` +
          `Add the features' header as its first line: ${expected}`,
      );
    }
    if (column === LABEL_COLUMN && !known.has(column)) {
      throw new FeaturesCsvError(
        `${where} is ${shownField(column)}, the label: the features' layout has no label column; remove it from every line`,
      );
    }
    if (columns.indexOf(column) !== i) {
      throw new FeaturesCsvError(`${where} repeats the column ${shownField(column)}; expected each column once`);
    }
  });
  if (!columns.some((c) => known.has(c))) {
    throw new FeaturesCsvError(
      `${file} line 1 names no feature column (${shownField(line)}); expected the features' header: ${expected}`,
    );
  }
  return columns;
}

/** Refuses a baseline header that is not exactly the features' columns in order, naming the first difference. */
function checkBaselineHeader(columns: readonly string[], file: string, features: readonly FeatureColumn[]): void {
  const expected = features.map((f) => f.name);
  const known = new Set(expected);
  const unknown = columns.find((c) => !known.has(c));
  if (unknown !== undefined) {
    throw new FeaturesCsvError(
      `${file} line 1, column ${columns.indexOf(unknown) + 1} is ${shownField(unknown)}, which is not a feature column; ` +
        "a baseline must have exactly the features' columns",
    );
  }
  const missing = expected.find((c) => !columns.includes(c));
  if (missing !== undefined) {
    throw new FeaturesCsvError(
      `${file} line 1 lacks the feature column ${shownField(missing)}; a baseline must have exactly the features' columns`,
    );
  }
  const moved = columns.findIndex((c, i) => c !== expected[i]);
  if (moved >= 0) {
    throw new FeaturesCsvError(
      `${file} line 1, column ${moved + 1} is ${shownField(columns[moved] ?? '')}; expected ${shownField(expected[moved] ?? '')} ` +
        "(a baseline's columns must be in the features' order, the order the model reads)",
    );
  }
}

/** Refuses a baseline row that is not as wide as the header or holds a value the features job cannot write. */
function checkBaselineRow(
  fields: readonly string[],
  line: number,
  file: string,
  features: readonly FeatureColumn[],
): void {
  if (fields.length !== features.length) {
    throw new FeaturesCsvError(
      `${file} line ${line} has ${fields.length} fields; expected ${features.length}, one per column of the header`,
    );
  }
  const ones = new Map<string, string>();
  features.forEach((feature, i) => {
    const text = fields[i] ?? '';
    const kind = fieldKind(text);
    const where = `${file} line ${line}, column ${i + 1} (${feature.name})`;
    if (kind === 'invalid') {
      throw new FeaturesCsvError(`${where} is ${shownField(text)}; expected a number, or nothing for a missing value`);
    }
    if (feature.encoding !== 'numeric' && kind === 'value' && Number(text) !== 0 && Number(text) !== 1) {
      throw new FeaturesCsvError(
        `${where} is ${shownField(text)}; expected 0 or 1 (a ${feature.encoding === 'boolean' ? 'boolean' : 'one-hot'} column), or nothing`,
      );
    }
    if (feature.encoding === 'one-hot' && kind === 'value' && Number(text) === 1) {
      const other = ones.get(feature.source);
      if (other !== undefined) {
        throw new FeaturesCsvError(
          `${where} is 1, and so is ${other}; expected at most one 1 in the one-hot group ${feature.source}`,
        );
      }
      ones.set(feature.source, feature.name);
    }
  });
}

/**
 * Parses a features CSV text.
 *
 * @param role `baseline` refuses anything but the exact features' layout; `current` refuses only a
 *   first line that is no header (see the module's comment)
 * @param features the feature columns (by default the feature manifest's)
 * @throws FeaturesCsvError naming the file, the line, the column and the value
 */
export function parseFeaturesCsv(
  source: CsvSource,
  role: 'baseline' | 'current',
  features: readonly FeatureColumn[] = featureManifest().columns,
): FeaturesCsv {
  const [header, ...lines] = linesOf(source.text);
  const columns = headerOf(header, source.file, features);
  if (role === 'baseline') {
    checkBaselineHeader(columns, source.file, features);
  }
  const rows = lines.map((line, i) => {
    const fields = line.split(',');
    if (role === 'baseline') {
      checkBaselineRow(fields, i + 2, source.file, features);
    }
    return fields;
  });
  return { columns, rows };
}

/** The statistics of both sides and their comparison. */
export interface CsvComparison {
  readonly baseline: BaselineStatistics;
  readonly current: CurrentStatistics;
  readonly comparison: DriftReport;
}

/**
 * Compares a current features CSV with a baseline features CSV: the baseline's statistics, the
 * current one's over the baseline's bins, and `compareStatistics` of the two.
 * @throws FeaturesCsvError when either text cannot be read as the features' layout (see {@link parseFeaturesCsv})
 * @throws DriftInputError when the thresholds are malformed
 */
export function compareFeaturesCsv(
  baselineSource: CsvSource,
  currentSource: CsvSource,
  thresholds: DriftThresholds,
  features: readonly FeatureColumn[] = featureManifest().columns,
): CsvComparison {
  const base = parseFeaturesCsv(baselineSource, 'baseline', features);
  const now = parseFeaturesCsv(currentSource, 'current', features);
  const baseline = describeBaseline(base.columns, base.rows, features);
  const current = describeCurrent(now.columns, now.rows, features, baseline);
  return { baseline, current, comparison: compareStatistics(baseline, current, thresholds) };
}
