import { API_ERRORS, type ApiErrorCode } from '../protocol/api/errors.ts';
import type { ClaimErrorKey } from '../protocol/errors.ts';

export { API_ERRORS, type ApiErrorCode };

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
    this.status = API_ERRORS[code].status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** A failure the claim and link-authentication endpoints report in the classic claim error body. */
export class ClaimError extends Error {
  readonly key: ClaimErrorKey;
  readonly retryDelaySeconds: number | undefined;
  /** Overrides the key's own "non-retryable" flag. */
  readonly nonRetryable: boolean | undefined;
  constructor(
    key: ClaimErrorKey,
    message: string,
    opts: { cause?: unknown; retryDelaySeconds?: number; nonRetryable?: boolean } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ClaimError';
    this.key = key;
    this.retryDelaySeconds = opts.retryDelaySeconds;
    this.nonRetryable = opts.nonRetryable;
  }
}
