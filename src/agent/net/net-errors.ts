import { EXIT, type ExitCode } from '../../protocol/errors.ts';

/** A failure the agent reports to its user with an exit code and one sentence of advice. */
export class AgentError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    opts: {
      cause?: unknown;
      retryDelaySeconds?: number;
      nonRetryable?: boolean;
      status?: number;
      key?: string;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AgentError';
    this.retryDelaySeconds = opts.retryDelaySeconds;
    this.nonRetryable = opts.nonRetryable ?? false;
    this.status = opts.status;
    this.key = opts.key;
  }
  readonly retryDelaySeconds: number | undefined;
  readonly nonRetryable: boolean;
  readonly status: number | undefined;
  readonly key: string | undefined;
}

const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** Turn a socket-level failure into an AgentError with advice. */
export function networkError(err: unknown, url: string): AgentError {
  const code = (err as { code?: string }).code ?? '';
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof AgentError) return err;
  if (TLS_TRUST_CODES.has(code))
    return new AgentError(
      EXIT.UNTRUSTED_SERVER,
      `the certificate of ${url} is not trusted (${code}); pass --ca-pin with the pin the server printed, or --ca-file with its CA`,
      { cause: err },
    );
  return new AgentError(
    EXIT.CANNOT_REACH,
    `cannot reach ${url}: ${msg}${code && !msg.includes(code) ? ` (${code})` : ''}; check the URL, the network and the proxy setting`,
    { cause: err },
  );
}
