/**
 * The ETL SQL (`glue/sql/*.sql`), rendered from the schema (`lib/schema/churn.ts`) and the feature
 * manifest (`lib/contracts/feature-manifest.ts`). The files are checked in as plain SQL, so the
 * Glue jobs run them as they are and a review reads them; `npm run generate` rewrites them after
 * a schema change, and a test fails while a checked-in file differs from its rendering.
 *
 * Everything here is a pure function of the schema: no file is read and no engine is run.
 */
import * as path from 'node:path';
import { renderCurateValidated } from './sql-curate-validated';
import { renderCurateCustomers, renderCurateQuarantine } from './sql-curate';
import { renderFeatures } from './sql-features';
import { renderBaselineStatistics } from './sql-statistics';

export { COMMON_SUBSET_LINE, RAW_LINEAGE_COLUMNS } from './sql-text';
export { WHITESPACE_LITERAL } from './sql-curate-validated';

/** Where the rendered SQL files are checked in. */
export const SQL_DIR = path.join(__dirname, '..', '..', 'glue', 'sql');

/** The SQL files, in the order the jobs run them. */
export const SQL_FILES = [
  'curate_validated.sql',
  'curate_customers.sql',
  'curate_quarantine.sql',
  'features.sql',
  'baseline_statistics.sql',
] as const;
export type SqlFile = (typeof SQL_FILES)[number];

/** Each SQL file's text as the schema and the feature manifest imply it. */
export function renderSql(): Record<SqlFile, string> {
  return {
    'curate_validated.sql': renderCurateValidated(),
    'curate_customers.sql': renderCurateCustomers(),
    'curate_quarantine.sql': renderCurateQuarantine(),
    'features.sql': renderFeatures(),
    'baseline_statistics.sql': renderBaselineStatistics(),
  };
}
