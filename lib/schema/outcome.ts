/**
 * The outcome record: whether a customer really churned, learnt some time after the snapshot the
 * model scored. Outcomes arrive through the stream or as a batch upload and are validated by the
 * same rules as the churn record (see `churn.ts` for how each type is read), so their validation
 * can be generated from these field specs as the churn record's is.
 *
 * Pure data, bundled into functions: it imports only the churn schema.
 */
import { CHURN_FIELDS, type FieldSpec, LABEL_FIELD } from './churn';

const CUSTOMER_ID: FieldSpec = ((): FieldSpec => {
  const spec = CHURN_FIELDS.find((f) => f.name === 'customer_id');
  if (spec === undefined) {
    throw new Error('the churn schema has no customer_id: an outcome could not name its customer');
  }
  return spec;
})();

/** Every field of an outcome record, in CSV column order; all are required. */
export const OUTCOME_FIELDS: readonly FieldSpec[] = [
  {
    ...CUSTOMER_ID,
    // The same id as the churn record's, so an outcome joins to the customer's prediction.
    description: 'The customer the outcome is about (the churn record customer_id)',
  },
  {
    name: 'observed_at',
    type: 'timestamp',
    required: true,
    description: 'When the outcome was known (ISO 8601, stored in UTC)',
  },
  {
    name: 'churned',
    type: 'boolean',
    required: true,
    description: `Whether the customer left: the true value of the churn record's label, ${LABEL_FIELD.name}`,
  },
];

/** The outcome fields by name. */
export const OUTCOME_FIELDS_BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(OUTCOME_FIELDS.map((f) => [f.name, f]));

/** An outcome in canonical form (a type, not an interface, so it is also a record of values). */
export type OutcomeRecord = {
  readonly customer_id: string;
  /** ISO 8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
  readonly observed_at: string;
  readonly churned: boolean;
};

/**
 * The partition key of the raw stream outcomes (Firehose dynamic partitioning): the UTC date of
 * the outcome's `observed_at`, not of its arrival, so a late outcome lands with its own day.
 */
export const OBSERVED_DATE_PARTITION = 'observed_date';

/**
 * How the cleaner tells an outcome from a churn record on the stream, both being JSON objects
 * keyed by field name: a record is an outcome when it has at least one of these fields (the
 * outcome's own, which the churn record does not have) and none of {@link CHURN_ONLY_FIELD_NAMES}.
 * Anything else is cleaned as a churn record, exactly as before outcomes existed: a churn record
 * that happens to carry `observed_at` keeps it in `unknown_fields`.
 */
export const OUTCOME_ONLY_FIELD_NAMES: readonly string[] = OUTCOME_FIELDS.map((f) => f.name).filter(
  (name) => !CHURN_FIELDS.some((f) => f.name === name),
);

/** The churn record's fields an outcome does not have: one of them makes a record a churn record. */
export const CHURN_ONLY_FIELD_NAMES: readonly string[] = CHURN_FIELDS.map((f) => f.name).filter(
  (name) => !OUTCOME_FIELDS.some((f) => f.name === name),
);
