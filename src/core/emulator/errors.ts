/** Google's JSON error envelope: `{ "error": { "code", "message", "status" } }`. */

export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNIMPLEMENTED'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

/** An error that becomes an HTTP answer in Google's envelope. Messages never carry secrets. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: GoogleStatus | string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): GoogleErrorBody {
    return { error: { code: this.code, message: this.message, status: this.status } };
  }
}

export const invalidArgument = (message: string): ApiError => new ApiError(400, 'INVALID_ARGUMENT', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'NOT_FOUND', message);
export const failedPrecondition = (message: string): ApiError => new ApiError(400, 'FAILED_PRECONDITION', message);
