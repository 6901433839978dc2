/** Classic single-dash flags of the stock claim script that take a value, and those that do not. */
const CLASSIC_VALUE = ['token', 'rooms', 'url', 'id', 'hostname', 'proxy'];
const CLASSIC_BOOL = ['noproxy', 'insecure', 'verbose', 'noreload'];

/**
 * Accept `-token=X` and `-insecure` as well as `--token X` and `--insecure`.
 * @example normaliseArgv(['claim', '-token=abc', '-insecure']) // ['claim', '--token=abc', '--insecure']
 */
export function normaliseArgv(args: string[]): string[] {
  return args.map((a) => {
    const m = /^-([a-z]+)(=.*)?$/.exec(a);
    if (!m) return a;
    if (m[2] !== undefined && CLASSIC_VALUE.includes(m[1]!)) return `--${m[1]}${m[2]}`;
    if (m[2] === undefined && CLASSIC_BOOL.includes(m[1]!)) return `--${m[1]}`;
    return a;
  });
}
