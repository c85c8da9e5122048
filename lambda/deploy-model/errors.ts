/**
 * The deploy function's errors, and what the AWS APIs' errors mean to it: a resource that does not
 * exist, an update that changes nothing, a stack busy with another operation.
 */

/**
 * Thrown when the event or the package it names cannot be deployed, whatever is retried: the event
 * is malformed, the package does not exist, or its data quality drift baseline is half there or
 * not in S3.
 */
export class DeployInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeployInputError';
  }
}

/**
 * Thrown when the serving stack was still busy with another operation after the longest wait. The
 * invocation fails, so Lambda retries it later, and finally keeps it in the dead-letter queue.
 */
export class StackBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackBusyError';
  }
}

/**
 * Thrown when the serving stack cannot be updated without a person: it does not exist, is being
 * deleted, is in a failed state, or lacks the parameters this function sets.
 */
export class ServingStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ServingStackError';
  }
}

// ---------------------------------------------------------------------------------------------
// Errors of the AWS APIs.

/** A client error of the request's content: SageMaker names it ValidationException, CloudFormation ValidationError. */
function isValidation(error: unknown): error is Error {
  return error instanceof Error && (error.name === 'ValidationException' || error.name === 'ValidationError');
}

/**
 * Whether an SDK error says the resource does not exist: a `ResourceNotFound`, or a validation
 * error whose message says `does not exist` (SageMaker: `Model package ... does not exist`;
 * CloudFormation: `Stack with id ... does not exist`). Not any other validation error.
 */
export function isNotFound(error: unknown): boolean {
  if (error instanceof Error && error.name === 'ResourceNotFound') {
    return true;
  }
  return isValidation(error) && /\bdoes not exist\b/i.test(error.message);
}

/** Whether UpdateStack was refused because the request changes nothing. */
export function isNoUpdates(error: unknown): boolean {
  return isValidation(error) && /\bNo updates are to be performed\b/i.test(error.message);
}

/**
 * The status named by UpdateStack's refusal because the stack is busy (`... is in
 * UPDATE_IN_PROGRESS state and can not be updated`), or `undefined` for any other error.
 */
export function busyStatusOf(error: unknown): string | undefined {
  if (!isValidation(error)) {
    return undefined;
  }
  return /\bis in ([A-Z_]+_IN_PROGRESS) state\b/.exec(error.message)?.[1];
}
