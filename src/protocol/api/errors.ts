/**
 * Every code the management API answers a failure with (`{"code","message"}`), its HTTP status and what it means.
 * Scripts branch on the code; the message says what happened and what to do, for people. On the wire a code is
 * lower case (`repository_not_ready`). The OpenAPI document lists this table; the claim API has its own
 * (src/protocol/errors.ts).
 *
 * Generic codes cover what the message names well enough (a field that does not validate, a thing that does not
 * exist, a role that is missing); every other condition has a code of its own.
 */
export const API_ERRORS = {
  // Generic.
  VALIDATION_FAILED: {
    status: 400,
    means: 'a field of the request is missing or malformed; the message names it',
  },
  UNAUTHENTICATED: { status: 401, means: 'no valid session or API key; sign in' },
  FORBIDDEN: { status: 403, means: 'your role does not allow this; the message names the role needed' },
  NOT_FOUND: { status: 404, means: 'the thing the path names does not exist (or was removed)' },
  RATE_LIMITED: { status: 429, means: 'too many requests; wait for Retry-After' },
  BAD_URL: { status: 400, means: 'the URL is malformed' },
  URI_TOO_LONG: { status: 414, means: 'a path segment is longer than 500 characters' },
  PAYLOAD_TOO_LARGE: { status: 413, means: 'the request body is larger than the server takes (1 MiB)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, means: 'the request body is not JSON' },
  INTERNAL: { status: 500, means: 'the server failed; the message carries the request id for its log' },
  UNAVAILABLE: {
    status: 503,
    means: 'the server cannot do this now (its database is unreachable); try again shortly',
  },
  // Sign-in and accounts.
  WRONG_PASSWORD: { status: 403, means: 'the current password given is wrong' },
  ACCOUNT_LOCKED: { status: 403, means: 'the account is locked after failed sign-ins; an admin unlocks it' },
  USERNAME_TAKEN: { status: 409, means: 'a user with this name exists (names ignore case)' },
  SELF_DEMOTION: { status: 409, means: 'an admin cannot demote or disable themselves' },
  OWN_PASSWORD: {
    status: 409,
    means: 'your own password is changed with the current one, at PUT /api/me/password',
  },
  SECOND_FACTOR_REQUIRED: {
    status: 401,
    means:
      'the account has a second factor: send the password again with `totp` (a code or a recovery code), or sign in with a passkey',
  },
  SECOND_FACTOR_INVALID: { status: 401, means: 'the code or recovery code is wrong or used already' },
  SECOND_FACTOR_ENROLMENT: {
    status: 403,
    means: 'this server requires a second factor: enrol one (TOTP or a passkey) before anything else',
  },
  SECOND_FACTOR_STATE: {
    status: 409,
    means: 'the second factor is not in the state this needs (enrolled already, or nothing to confirm)',
  },
  LOCAL_LOGIN_OFF: {
    status: 403,
    means: 'sign-in with a password is turned off on this server; sign in through the identity provider',
  },
  OIDC_FAILED: {
    status: 401,
    means: 'the identity provider sign-in failed or was refused; the message says why',
  },
  OIDC_OFF: { status: 404, means: 'this server has no identity provider configured' },
  PASSKEY_INVALID: { status: 401, means: 'the passkey response does not verify' },
  BINDING_INVALID: { status: 400, means: 'a role binding names neither a user nor a group, or both' },
  API_KEY_ROLE: { status: 403, means: 'an API key cannot have a higher role than its owner' },
  API_KEY_REVOKED: { status: 409, means: 'the API key is revoked already' },
  CROSS_SITE: { status: 403, means: 'a signed-in request from another site, or without JSON, is refused' },
  TOO_MANY_STREAMS: { status: 429, means: 'too many live event streams are open for you or your address' },
  // Spaces, rooms, tokens, enrollment.
  ROOM_SLUG_TAKEN: { status: 409, means: 'a room with this slug exists in the space' },
  DEFAULT_ROOM: {
    status: 409,
    means: 'the default room holds every node of its space: it cannot be deleted or left',
  },
  TOKEN_NOT_ACTIVE: { status: 409, means: 'the enrollment token is used, expired or revoked already' },
  ANNOUNCEMENT_DECIDED: {
    status: 409,
    means: "the agent's announcement was approved or rejected already (or its node id is taken)",
  },
  TOKEN_UNUSABLE: { status: 410, means: 'the enrollment token is used, expired or revoked; mint a new one' },
  TOKEN_WRONG_SERVER: { status: 403, means: 'the enrollment token was not minted by this server' },
  TOKEN_WRONG_HOST: { status: 403, means: 'the enrollment token was minted for another host name' },
  KEY_PROOF_INVALID: { status: 403, means: 'key_proof is not a signature of the token by public_key' },
  HOST_EXISTS: { status: 409, means: 'a host with this id exists; enroll again' },
  ENROLL_REFUSED: { status: 409, means: 'the enrollment was refused; the message says why' },
  CLAIM_TOKEN_MISSING: { status: 500, means: "the space's claim token has no stored copy; rotate it" },
  // Nodes and their agents.
  NODE_RUNS_NETDATA: {
    status: 409,
    means: "the node runs a Netdata agent, which does not run Muster's jobs, backups, schedules or requests",
  },
  NODE_OFFLINE: { status: 503, means: 'the node is offline; this needs its agent connected' },
  REPLICA_UNREACHABLE: { status: 503, means: "the server replica holding the node's link did not answer" },
  AGENT_REFUSED: { status: 409, means: 'the agent refused the request; the message gives its reason' },
  AGENT_TIMEOUT: { status: 504, means: 'the agent did not answer in time' },
  AGENT_BUSY: {
    status: 503,
    means: 'the agent has too many queries waiting (or one waited too long in its queue); try again shortly',
  },
  AGENT_ANSWER_TOO_LARGE: {
    status: 502,
    means: "the agent's answer is larger than its link carries; ask for less (fewer points, a shorter range)",
  },
  AGENT_ANSWER_INVALID: {
    status: 502,
    means:
      "the agent's answer does not match what this server expects (an agent older or newer than the server)",
  },
  REQUEST_CANCELLED: { status: 409, means: 'the request to the agent was withdrawn' },
  UPDATE_NOT_POSSIBLE: { status: 409, means: 'the node cannot be updated now; the message says why' },
  AGENT_BUNDLE_MISSING: { status: 503, means: 'the agent executables are not built on this server' },
  AGENT_EXECUTABLE_MISMATCH: {
    status: 503,
    means: 'the agent executable on the server does not match its manifest',
  },
  // Jobs, repositories, schedules.
  JOB_ENDED: { status: 409, means: 'the job ended already' },
  REPOSITORY_MISSING: { status: 409, means: 'the host has no backup repository; set one first' },
  REPOSITORY_NOT_READY: {
    status: 409,
    means: "the host's repository is being initialised or was not checked yet; try again when it is ready",
  },
  REPOSITORY_INIT_FAILED: {
    status: 409,
    means: "the host's repository could not be initialised; fix it or probe it again",
  },
  SOURCE_GROUP_NAME_TAKEN: { status: 409, means: 'the host has a source group of this name' },
  SOURCE_GROUP_IN_USE: { status: 409, means: 'schedules use the source group; delete them first' },
  ROOM_HAS_PLANS: { status: 409, means: 'backup plans belong to the room; delete them first' },
  PLAN_MANAGED: {
    status: 409,
    means: "a backup plan gives the node this; change the plan or the node's overrides",
  },
  // Alerts and notifications.
  ALERT_RESOLVED: { status: 409, means: 'the alert is resolved already; nothing to acknowledge' },
} as const satisfies Record<string, { status: number; means: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;
/** A code as it appears in an answer's body. */
export type ApiErrorWireCode = Lowercase<ApiErrorCode>;

/** The body of a failure, its code as it goes on the wire. */
export function errorBody(code: ApiErrorCode, message: string): { code: ApiErrorWireCode; message: string } {
  return { code: wireCode(code), message };
}
/** A code as it goes on the wire. */
export const wireCode = (code: ApiErrorCode) => code.toLowerCase() as ApiErrorWireCode;
