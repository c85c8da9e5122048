/**
 * baseline_statistics.sql: the training split's statistics document, as rows. The statement is the
 * contract's (`lib/contracts/statistics-sql.ts`, whose window query the drift monitor renders for
 * Athena from the same pieces); this module gives it the header every generated file carries.
 */
import { featureManifest } from '../contracts/feature-manifest';
import {
  BASELINE_INPUT_VIEW,
  renderBaselineStatisticsQuery,
  STATISTICS_RESULT_COLUMNS,
} from '../contracts/statistics-sql';
import { COMMON_SUBSET_LINE, GENERATED_BY, header } from './sql-text';

/** The text of baseline_statistics.sql. */
export function renderBaselineStatistics(): string {
  const manifest = featureManifest();
  return `${header(`
baseline_statistics.sql: the training split's statistics document, as rows.
The document is lib/contracts/baseline-statistics.ts's; the features job assembles it from these
rows into features/statistics.json (statistics_from_rows in glue/jobs/cores/features_core.py, as
statisticsFromRows in lib/contracts/statistics-sql.ts does in TypeScript).

Input view:
  ${BASELINE_INPUT_VIEW}: the training rows' feature columns (features.sql's output where split = 'train',
    without the label and the split), typed: a number, or NULL when missing.
Output columns (long: one row per statistic; see lib/contracts/statistics-sql.ts for the table):
  ${STATISTICS_RESULT_COLUMNS.join(', ')}
  section STRING: table, numeric or one-hot; name STRING: a column, a feature or a one-hot source;
  statistic STRING; position INT: a column's index, a quantile's percent, a bin's index or a
  category's index in its group; category, column_name STRING: a one-hot category's value and
  column; value DOUBLE: the count or statistic (NULL when undefined).
Quantiles are type 1 (the value at rank max(1, ceil(p * n / 100))), by ROW_NUMBER and integer
comparisons rather than percentile_disc, so that they are exact on every engine. Histograms count
each value over the edges its feature's own quantiles give (binEdgesFromQuantiles in
lib/contracts/baseline-statistics.ts: 0 and 1 for a 0/1 feature, else the distinct deciles, and
the maximum too when the deciles are one value below it; left-closed bins, open outer bins); a
value's bin is the number of edges at or below it. Rows come in no set order.

${COMMON_SUBSET_LINE}
Generated from lib/contracts/feature-manifest.ts by ${GENERATED_BY};
a test fails when this file and its rendering differ.
`)}${renderBaselineStatisticsQuery(manifest.columns)}`;
}
