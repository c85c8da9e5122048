/**
 * The drift comparison on this machine, with files: what `npm run drift` runs on two CSV files and
 * what the local lifecycle's drift stage runs on the training baseline and windows of new
 * customers. The comparison and the report are the function's own (`lambda/drift/`); this module
 * only reads and writes the files and makes the windows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareFeaturesCsv, type CsvComparison } from '../../lambda/drift/features-csv';
import { renderDriftReport, type RenderedDriftReport } from '../../lambda/drift/report';
import type { DriftThresholds } from '../../lambda/drift/thresholds';
import { FEATURE_COLUMNS } from '../contracts/feature-manifest';
import type { DriftOptions } from '../schema/drift';
import { generateCustomers } from '../schema/generator';
import { encodeFeatureLine } from '../serving/encode';

/** A file that cannot be read; the message names it and why. */
export class DriftFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftFileError';
  }
}

/** What {@link compareDriftFiles} compares and how. */
export interface DriftFilesOptions {
  /** The baseline CSV (the features' layout: headed, no label). */
  readonly baseline: string;
  /** The current CSV (the same layout). */
  readonly current: string;
  readonly thresholds: DriftThresholds;
  /** When the comparison ran, for the report. */
  readonly generatedAt: Date;
  /**
   * The model the baseline belongs to, for the report.
   * @default - not shown
   */
  readonly model?: string;
}

/** The comparison and its report. */
export interface DriftFilesResult extends CsvComparison {
  readonly report: RenderedDriftReport;
}

/** A file's text, or a {@link DriftFileError} naming the file and what went wrong. */
function readText(file: string, role: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory; expected a CSV file'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new DriftFileError(`cannot read the ${role} file ${file}: ${why}`);
  }
}

/**
 * Reads two CSV files in the features' layout, compares them and renders the report.
 * @throws DriftFileError when a file cannot be read
 * @throws FeaturesCsvError when a file is not in the features' layout (see `parseFeaturesCsv`)
 * @throws DriftInputError when the thresholds are malformed
 */
export function compareDriftFiles(options: DriftFilesOptions): DriftFilesResult {
  const baselineText = readText(options.baseline, 'baseline');
  const currentText = readText(options.current, 'current');
  const result = compareFeaturesCsv(
    { file: options.baseline, text: baselineText },
    { file: options.current, text: currentText },
    options.thresholds,
  );
  const report = renderDriftReport(result.baseline, result.current, result.comparison, {
    generatedAt: options.generatedAt,
    thresholds: options.thresholds,
    sources: { baseline: options.baseline, current: options.current },
    ...(options.model === undefined ? {} : { model: options.model }),
  });
  return { ...result, report };
}

/** The files a report was written to. */
export interface DriftReportFiles {
  readonly json: string;
  readonly html: string;
}

/** Writes `report.json` and `report.html` into `dir` (made if missing) and returns their paths. */
export function writeDriftReport(dir: string, report: RenderedDriftReport): DriftReportFiles {
  fs.mkdirSync(dir, { recursive: true });
  const files = { json: path.join(dir, 'report.json'), html: path.join(dir, 'report.html') };
  fs.writeFileSync(files.json, `${JSON.stringify(report.json, null, 2)}\n`);
  fs.writeFileSync(files.html, report.html);
  return files;
}

/** Which new customers a window holds. */
export interface CustomerWindowOptions {
  readonly seed: number;
  readonly count: number;
  /** The first customer's snapshot time. */
  readonly start: Date;
  /** @default - no drift */
  readonly drift?: DriftOptions;
}

/**
 * The model inputs of a window of new customers, one encoded feature line each (no header, no
 * label): the bodies of the requests the endpoint would receive, in order.
 */
export function customerWindowLines(options: CustomerWindowOptions): string[] {
  return [...customerWindow(options).lines];
}

/** A window of new customers: their ids and their model inputs, in the same order. */
export interface CustomerWindow {
  readonly customerIds: readonly string[];
  /** One encoded feature line each, as {@link customerWindowLines} gives them. */
  readonly lines: readonly string[];
}

/**
 * The ids and the model inputs of a window of new customers: the ids are what the quality check
 * joins the customers' outcomes on.
 */
export function customerWindow(options: CustomerWindowOptions): CustomerWindow {
  const customers = generateCustomers(options);
  return {
    customerIds: customers.map((c) => String(c.record.customer_id)),
    lines: customers.map((c) => encodeFeatureLine(c.record)),
  };
}

/** Lines of model inputs as a CSV in the features' layout: the header, then the lines. */
export function featuresCsv(lines: readonly string[]): string {
  return [FEATURE_COLUMNS.join(','), ...lines].map((line) => `${line}\n`).join('');
}

/**
 * Drift of every kind of feature at once, for trying the drift comparison (`npm run drift`'s and
 * the drift report's tests use it; the local lifecycle's drifted window follows its `--scenario`
 * instead): a numeric feature shifted (an
 * hour more of day-time calls), a count shifted (two more service calls, which also raises churn),
 * a rare 0/1 flag made common (the international plan, 9.7 % of customers in training, 30 % here,
 * which raises churn too; its bins are 0 and 1, see `binEdgesFromQuantiles`) and a one-hot group
 * re-weighted (most new customers in area code 408). Every other feature is drawn as in training,
 * so exactly these four act.
 */
export function localDrift(start: Date): DriftOptions {
  return {
    features: {
      day_minutes: { shift: 60 },
      customer_service_calls: { shift: 2 },
      international_plan: { probability: 0.3 },
      area_code: { weights: { '408': 0.6, '415': 0.2, '510': 0.2 } },
    },
    // Fully drifted from the window's first customer on.
    rampStart: new Date(start.getTime() - 24 * 3600 * 1000),
    rampEnd: start,
  };
}
