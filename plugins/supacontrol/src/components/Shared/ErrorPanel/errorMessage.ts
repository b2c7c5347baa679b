import { ResponseError } from '@backstage/errors';

/**
 * The text to show for a failed call: the backend's own message (which says what to do) rather
 * than `ResponseError`'s generic "Request failed with 409 Conflict".
 */
export function errorMessage(error: Error): string {
  if (error.name === 'ResponseError') {
    const cause = (error as ResponseError).cause;
    if (cause?.message) {
      return cause.message;
    }
  }
  return error.message;
}

/** Whether the backend refused the call for lack of permission. */
export function isNotAllowed(error: Error): boolean {
  return (
    error.name === 'ResponseError' &&
    (error as ResponseError).statusCode === 403
  );
}
