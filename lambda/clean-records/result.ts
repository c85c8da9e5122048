/**
 * What cleaning one record gives: its clean JSON line and partition date, or the reason it failed,
 * short and machine-readable (a failed record goes back to Firehose with its original bytes).
 */

import { FieldRejectReason } from '../../lib/contracts/reject-reasons';
import type { StreamRecordKind } from '../../lib/contracts/stream-routing';

/** Why a record could not be cleaned: short, machine-readable, never containing record content. */
export const FailureReason = {
  /** The bytes are not valid UTF-8. */
  invalidUtf8: 'invalid_utf8',
  /** The text is not JSON. */
  invalidJson: 'invalid_json',
  /** The JSON is not an object (an array, a string, a number, `null` ...). */
  notAnObject: 'not_an_object',
  /**
   * A field the schema does not know holds a value that cannot be carried through unchanged: a
   * number beyond double range (JSON.stringify would write null), or nesting too deep to serialise.
   */
  unknownFieldsUnrepresentable: 'unknown_fields_unrepresentable',
  /** Returning the record cleaned would take the response over Lambda's 6 MB limit. */
  responseBudget: 'response_budget',
  /** A bug in the cleaner; the record is kept, failed, with its original bytes. */
  internalError: 'internal_error',
  /** A required field is absent, null, or spelled as missing (the curate job's reason too). */
  missingRequired: FieldRejectReason.missingRequired,
  /** A field's value is of the wrong type, out of range, or not an allowed value (the curate job's reason too). */
  invalidValue: FieldRejectReason.invalidValue,
} as const;

/** A record cleaned: its JSON line, its kind and the UTC date of its event, for the partition keys. */
export interface CleanOk {
  readonly ok: true;
  /** One JSON object followed by `\n`. */
  readonly output: string;
  /** `YYYY-MM-DD`: the UTC date of a churn record's `event_time`, or of an outcome's `observed_at`. */
  readonly eventDate: string;
  /** A churn record or an outcome: where it is routed (`lib/contracts/stream-routing.ts`). */
  readonly kind: StreamRecordKind;
}

/** A record that could not be cleaned, and why (one of {@link FailureReason}). */
export interface CleanFailed {
  readonly ok: false;
  readonly reason: string;
}

/** The outcome of cleaning one record. */
export type CleanResult = CleanOk | CleanFailed;

/** A failed result, with its reason. */
export function failed(reason: string): CleanFailed {
  return { ok: false, reason };
}
