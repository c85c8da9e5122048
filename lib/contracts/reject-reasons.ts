/**
 * Why a field rejects a record. The Firehose cleaner (`lambda/clean-records/`) fails a
 * stream record with these reasons and the curate job (`glue/sql/curate_validated.sql`) writes them
 * as a quarantined row's `reject_reason`, so a record bad in the same way has the same reason on
 * both paths.
 */
export const FieldRejectReason = {
  /** A required field is absent, null, or spelled as missing. */
  missingRequired: (field: string): string => `missing_required:${field}`,
  /** A field's value is of the wrong type, out of range, or not an allowed value. */
  invalidValue: (field: string): string => `invalid_value:${field}`,
} as const;
