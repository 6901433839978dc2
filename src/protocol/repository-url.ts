import { z } from 'zod';

/** A user or host name as ssh takes it: never a leading "-", which ssh would read as an option. */
const NAME = '[A-Za-z0-9_][A-Za-z0-9._-]*';
const HOST = `(?:${NAME}|\\[[0-9A-Fa-f:.]+\\])`;
const SFTP_SHORT = new RegExp(`^sftp:(?:${NAME}@)?${HOST}:[^-\\s].*$`);
const SFTP_URL = new RegExp(`^sftp://(?:${NAME}@)?${HOST}(?::\\d{1,5})?/\\S*$`);
/** A named rclone remote: not an on-the-fly `:backend,option=…:` one, whose options can name programs to run. */
const RCLONE = /^rclone:[A-Za-z0-9_][A-Za-z0-9_.-]*:\S*$/;
/** Backends whose location follows the prefix as-is (a URL or bucket/path); it must not look like an option. */
const PLAIN_BACKENDS = ['s3', 'b2', 'azure', 'gs', 'swift'];

/**
 * What is wrong with a restic repository location, or null when restic can take it with nothing in it reaching
 * ssh or rclone as an option: an absolute path (or `local:` one), `sftp:[user@]host:path`,
 * `sftp://[user@]host[:port]/path`, `rest:http(s)://…`, `rclone:remote:path` (a named remote), or
 * `s3:`/`b2:`/`azure:`/`gs:`/`swift:` followed by their location.
 */
export function repositoryUrlProblem(url: string): string | null {
  if ([...url].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'must not contain control characters';
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return null;
  const backend = /^([a-z][a-z0-9]*):/.exec(url)?.[1];
  const rest = url.slice((backend?.length ?? 0) + 1);
  switch (backend) {
    case undefined:
      return 'must be an absolute path or a restic backend URL such as sftp:user@host:/srv/restic or rest:https://host/repo';
    case 'local':
      return rest.startsWith('/') ? null : 'local: needs an absolute path';
    case 'sftp':
      return SFTP_SHORT.test(url) || SFTP_URL.test(url)
        ? null
        : 'sftp: must be sftp:[user@]host:/path or sftp://[user@]host[:port]/path, with a user and host that do not start with "-" and no white space';
    case 'rest':
      try {
        const u = new URL(rest);
        if (u.protocol === 'http:' || u.protocol === 'https:') return null;
      } catch {
        // said below
      }
      return 'rest: must be followed by an http:// or https:// URL';
    case 'rclone':
      return RCLONE.test(url)
        ? null
        : 'rclone: must name a configured remote (rclone:remote:path); on-the-fly remotes and options are refused';
    default:
      if (!PLAIN_BACKENDS.includes(backend))
        return `${backend}: is not a restic backend Muster accepts (a path, local:, sftp:, rest:, rclone:, ${PLAIN_BACKENDS.map((b) => `${b}:`).join(', ')})`;
      return rest.length > 0 && !/^-|\s/.test(rest)
        ? null
        : `${backend}: must be followed by its location, with no white space and no leading "-"`;
  }
}

/** A restic repository location (see repositoryUrlProblem), for request bodies. */
export const repositoryUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .superRefine((u, ctx) => {
    const problem = repositoryUrlProblem(u);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The restic backend a location names: `local` for a path. */
export function repositoryBackend(url: string): string {
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return 'local';
  return /^([a-z][a-z0-9]*):/.exec(url)?.[1] ?? 'local';
}

const OPENSTACK = [
  'OS_AUTH_URL',
  'OS_REGION_NAME',
  'OS_USERNAME',
  'OS_USER_ID',
  'OS_PASSWORD',
  'OS_TENANT_ID',
  'OS_TENANT_NAME',
  'OS_USER_DOMAIN_NAME',
  'OS_USER_DOMAIN_ID',
  'OS_PROJECT_NAME',
  'OS_PROJECT_DOMAIN_NAME',
  'OS_PROJECT_DOMAIN_ID',
  'OS_TRUST_ID',
  'OS_APPLICATION_CREDENTIAL_ID',
  'OS_APPLICATION_CREDENTIAL_NAME',
  'OS_APPLICATION_CREDENTIAL_SECRET',
  'OS_STORAGE_URL',
  'OS_AUTH_TOKEN',
];

/**
 * The environment variables restic reads for each backend's credentials: the only ones a repository may carry.
 * Anything else (PATH, LD_PRELOAD, RESTIC_PASSWORD_COMMAND, …) is refused, never passed on.
 */
export const BACKEND_ENV: Record<string, readonly string[]> = {
  local: [],
  sftp: [],
  rclone: [],
  rest: ['RESTIC_REST_USERNAME', 'RESTIC_REST_PASSWORD'],
  s3: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION'],
  b2: ['B2_ACCOUNT_ID', 'B2_ACCOUNT_KEY'],
  azure: ['AZURE_ACCOUNT_NAME', 'AZURE_ACCOUNT_KEY', 'AZURE_ACCOUNT_SAS', 'AZURE_ENDPOINT_SUFFIX'],
  gs: ['GOOGLE_PROJECT_ID', 'GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_ACCESS_TOKEN'],
  swift: OPENSTACK,
};

/** What is wrong with a repository's backend credentials for its location, or null. */
export function backendEnvProblem(url: string, env: Record<string, string>): string | null {
  const backend = repositoryBackend(url);
  const allowed = BACKEND_ENV[backend] ?? [];
  for (const [name, value] of Object.entries(env)) {
    if (!allowed.includes(name))
      return allowed.length
        ? `${name} is not a credential of the ${backend}: backend (it takes ${allowed.join(', ')})`
        : `the ${backend} backend takes no credentials in the environment; ${name} is refused`;
    if (value.length === 0 || value.length > 8192 || /[\0\r\n]/.test(value))
      return `${name} must be 1 to 8192 characters on one line`;
  }
  return null;
}

/** An SSH private key for an sftp: repository, in OpenSSH's or PEM's armour. */
export const sshPrivateKey = z
  .string()
  .max(16_384)
  .refine(
    (k) => /^-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\s*$/.test(k),
    'must be a private key in OpenSSH or PEM form (-----BEGIN … PRIVATE KEY-----)',
  );
