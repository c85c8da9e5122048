import * as athena from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import { ANALYSIS_QUERIES } from './analysis-queries';

export interface LakeAnalysisProps {
  /** The lake's Athena workgroup (its results are encrypted and its scans capped). */
  readonly workGroupName: string;
  /** The database the queries run in: the curated one. */
  readonly databaseName: string;
}

/**
 * The "visualise and analyse" step: Athena named queries over the curated customers table
 * (descriptive statistics, missing values, category frequencies, correlation with churn,
 * outliers), saved in the lake's workgroup so anyone with access can run them from the console.
 * The SQL lives in `glue/sql/analysis/` and is tested with DuckDB on generated data.
 */
export class LakeAnalysis extends Construct {
  readonly queries: athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: LakeAnalysisProps) {
    super(scope, id);
    this.queries = ANALYSIS_QUERIES.map(
      (query) =>
        new athena.CfnNamedQuery(this, query.name, {
          name: query.name,
          description: query.description,
          database: props.databaseName,
          workGroup: props.workGroupName,
          queryString: query.sql,
        }),
    );
  }
}
