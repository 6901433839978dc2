import type { ClaimErrorKey } from '../protocol/errors.ts';

/** The closed set of management-API errors: stable code -> HTTP status. */
export const API_ERRORS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

/** A failure the management API reports as `{"code","message"}` with the code's status. */
export class AppError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: ApiErrorCode,
    message: string,
    opts: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = API_ERRORS[code];
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** A failure the claim and link-authentication endpoints report in the classic claim error body. */
export class ClaimError extends Error {
  readonly key: ClaimErrorKey;
  readonly retryDelaySeconds: number | undefined;
  constructor(
    key: ClaimErrorKey,
    message: string,
    opts: { cause?: unknown; retryDelaySeconds?: number } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ClaimError';
    this.key = key;
    this.retryDelaySeconds = opts.retryDelaySeconds;
  }
}
