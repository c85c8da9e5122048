/**
 * Feature CSV files from the generator, for the tests of `npm run drift` and of its report page: a
 * baseline of one seed, and current windows of another seed without drift and with it in chosen
 * features. Enough rows that sampling noise stays well below the watch thresholds (at 2,000 rows
 * the PSI of an undrifted feature is about 0.005; watch is 0.1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { customerWindowLines, featuresCsv } from '../../lib/local/drift';
import type { DriftOptions } from '../../lib/schema/drift';

/** The baseline's customers: seed 1, snapshots from 2026-01-01. */
export const BASELINE_ROWS = 5_000;
/** Each current window's customers: seed 2, snapshots from 2026-06-01 (fully drifted from its start when drifted). */
export const CURRENT_ROWS = 2_000;
export const WINDOW_START = new Date('2026-06-01T00:00:00Z');

/** Writes the baseline's CSV into `dir` and returns its path. */
export function writeBaselineCsv(dir: string): string {
  const file = path.join(dir, 'baseline.csv');
  fs.writeFileSync(
    file,
    featuresCsv(customerWindowLines({ seed: 1, count: BASELINE_ROWS, start: new Date('2026-01-01T00:00:00Z') })),
  );
  return file;
}

/** Writes a current window's CSV as `name` into `dir`, with the drift if given, and returns its path. */
export function writeCurrentCsv(dir: string, name: string, drift?: DriftOptions): string {
  const file = path.join(dir, name);
  const lines = customerWindowLines({
    seed: 2,
    count: CURRENT_ROWS,
    start: WINDOW_START,
    ...(drift === undefined ? {} : { drift }),
  });
  fs.writeFileSync(file, featuresCsv(lines));
  return file;
}

/** Drift in `features`, full from the window's start. */
export function fullDrift(features: DriftOptions['features']): DriftOptions {
  return { features, rampStart: new Date(WINDOW_START.getTime() - 3600_000), rampEnd: WINDOW_START };
}
