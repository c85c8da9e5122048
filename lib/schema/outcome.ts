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
