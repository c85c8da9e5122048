/**
 * The data report's input: the profile of the curated customers and the quarantine that the
 * features job computes on Spark (`glue/jobs/cores/profile_core.py`, which says how each figure is
 * computed) and writes as `profile.json` beside `statistics.json`. The data report
 * (`lambda/data-report/report.ts`) draws it. Numbers are `null` where they are undefined (no
 * value, or a correlation of a constant column).
 */

/** The file's name beside `statistics.json`. */
export const PROFILE_FILE = 'profile.json';

/** A numeric column. */
export interface NumericProfile {
  readonly name: string;
  readonly rows: number;
  readonly missing: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly q1: number | null;
  readonly median: number | null;
  readonly q3: number | null;
  /** Tukey's fences, q1 - 1.5 IQR and q3 + 1.5 IQR, as the `churn-outliers-iqr` query has them. */
  readonly lowerFence: number | null;
  readonly upperFence: number | null;
  /** The lowest and highest values inside the fences. Absent when the column has no value. */
  readonly whiskers?: readonly [number | null, number | null];
  /** Equal bins from min to max (`edges` has one more entry than each count list). Absent when the column has no value. */
  readonly histogram?: {
    readonly edges: readonly number[];
    readonly churned: readonly number[];
    readonly stayed: readonly number[];
    readonly unlabelled: readonly number[];
  };
  /** Values strictly outside the fences: how many on each side, and some of them. */
  readonly outliers?: { readonly below: number; readonly above: number; readonly values: readonly number[] };
}

/** A categorical or boolean column's values. */
export interface CategoricalProfile {
  readonly name: string;
  readonly values: readonly {
    readonly value: string | null;
    readonly rows: number;
    /** The share that churned among the value's labelled rows; `null` when none is labelled. */
    readonly churnRate: number | null;
  }[];
}

/** The profile: `profile.json`. */
export interface DataProfile {
  readonly formatVersion: 1;
  /** Curated customers, labelled ones (churn known), and churned ones. */
  readonly rows: number;
  readonly labelled: number;
  readonly churned: number;
  readonly numeric: readonly NumericProfile[];
  readonly categorical: readonly CategoricalProfile[];
  /** Every column of the table, profiled or not, with its missing values. */
  readonly missing: readonly { readonly name: string; readonly missing: number }[];
  /** Pearson correlations over labelled rows; `values[i][j]` pairs `columns[i]` and `columns[j]`. */
  readonly correlations: {
    readonly columns: readonly string[];
    readonly values: readonly (readonly (number | null)[])[];
  };
  /** A sample of the columns most correlated with churn: each row the columns' values, then the label. */
  readonly scatter: {
    readonly columns: readonly string[];
    readonly rows: readonly (readonly (number | boolean | null)[])[];
  };
  /** Every row the curate job has quarantined (all runs): by reason and source, and a few examples. */
  readonly quarantine: {
    readonly rows: number;
    readonly byReason: readonly {
      readonly reason: string | null;
      readonly source: string | null;
      readonly rows: number;
    }[];
    readonly examples: readonly {
      readonly reason: string | null;
      readonly source: string | null;
      readonly customerId: string | null;
    }[];
  };
}
