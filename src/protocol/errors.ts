import { z } from 'zod';

/** Body of every error answered by the claim and link-authentication endpoints (docs/protocol.md). */
export const claimErrorBody = z.object({
  errorCode: z.string(),
  errorMsgKey: z.string(),
  errorMessage: z.string(),
  errorNonRetryable: z.boolean(),
  errorRetryDelaySeconds: z.number().int().nonnegative().optional(),
});
export type ClaimErrorBody = z.infer<typeof claimErrorBody>;

/** Body of every non-2xx answer of the management API. */
export const apiErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  request_id: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBody>;

/** Agent process exit codes; stable, scripts depend on them. */
export const EXIT = {
  OK: 0,
  UNKNOWN_ARGUMENT: 1,
  STATE_DIR: 2,
  MISSING_DEPENDENCY: 3,
  CANNOT_REACH: 4,
  DAEMON_NOT_NOTIFIED: 5,
  WRONG_USER: 6,
  UNKNOWN_HTTP_ERROR: 7,
  INVALID_NODE_ID: 8,
  INVALID_NODE_NAME: 9,
  INVALID_ROOM_ID: 10,
  INVALID_PUBLIC_KEY: 11,
  FORBIDDEN: 12,
  ALREADY_CLAIMED: 13,
  INTERNAL_SERVER_ERROR: 15,
  GATEWAY_TIMEOUT: 16,
  SERVICE_UNAVAILABLE: 17,
  MACHINE_GUID_UNREADABLE: 18,
  UNTRUSTED_SERVER: 19,
  STATE_CORRUPT: 20,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The claim error keys with their HTTP status and the exit code the agent ends with. */
export const CLAIM_ERRORS = {
  ErrInvalidNodeID: { status: 422, exit: EXIT.INVALID_NODE_ID, nonRetryable: true },
  ErrInvalidNodeName: { status: 422, exit: EXIT.INVALID_NODE_NAME, nonRetryable: true },
  ErrInvalidRoomID: { status: 422, exit: EXIT.INVALID_ROOM_ID, nonRetryable: true },
  ErrInvalidPublicKey: { status: 422, exit: EXIT.INVALID_PUBLIC_KEY, nonRetryable: true },
  ErrForbidden: { status: 403, exit: EXIT.FORBIDDEN, nonRetryable: true },
  ErrAlreadyClaimed: { status: 409, exit: EXIT.ALREADY_CLAIMED, nonRetryable: true },
  ErrBadRequest: { status: 400, exit: EXIT.UNKNOWN_HTTP_ERROR, nonRetryable: true },
  ErrNotFound: { status: 404, exit: EXIT.UNKNOWN_HTTP_ERROR, nonRetryable: true },
  ErrNodeRemoved: { status: 403, exit: EXIT.FORBIDDEN, nonRetryable: true },
  ErrTooManyRequests: { status: 429, exit: EXIT.SERVICE_UNAVAILABLE, nonRetryable: false },
  ErrInternalServerError: { status: 500, exit: EXIT.INTERNAL_SERVER_ERROR, nonRetryable: false },
  ErrServiceUnavailable: { status: 503, exit: EXIT.SERVICE_UNAVAILABLE, nonRetryable: false },
  ErrGatewayTimeout: { status: 504, exit: EXIT.GATEWAY_TIMEOUT, nonRetryable: false },
} as const;
export type ClaimErrorKey = keyof typeof CLAIM_ERRORS;

/** Exit code for an HTTP status when the body carries no key we know. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 500) return EXIT.INTERNAL_SERVER_ERROR;
  if (status === 502 || status === 503) return EXIT.SERVICE_UNAVAILABLE;
  if (status === 504) return EXIT.GATEWAY_TIMEOUT;
  if (status === 403) return EXIT.FORBIDDEN;
  if (status === 409) return EXIT.ALREADY_CLAIMED;
  return EXIT.UNKNOWN_HTTP_ERROR;
}

/**
 * How long a stock Netdata agent of a removed node waits before it asks again: a month, as far as its protocol
 * lets a server push it (it reads "non-retryable" as "ask again every 60 s", so removal is a long retry delay
 * instead). Restarting the agent, as re-claiming does, asks at once.
 */
export const NETDATA_REMOVED_RETRY_SECONDS = 30 * 86_400;

/** Serialise a claim error compactly (no spaces after colons), as stock clients expect. */
export function claimErrorJson(
  key: ClaimErrorKey,
  message: string,
  retryDelaySeconds?: number,
  nonRetryable: boolean = CLAIM_ERRORS[key].nonRetryable,
): string {
  const body: ClaimErrorBody = {
    errorCode: key,
    errorMsgKey: key,
    errorMessage: message,
    errorNonRetryable: nonRetryable,
  };
  if (retryDelaySeconds !== undefined) body.errorRetryDelaySeconds = retryDelaySeconds;
  return JSON.stringify(body);
}
