/** `none`, `env`, or a proxy URL (`http://[user:pass@]host:port`, `socks5://`, `socks5h://`). */
export type ProxySetting = string;

/** True when `host` matches a `no_proxy` list (suffixes, `*`, optional ports). */
export function bypassesProxy(host: string, port: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name = '', p] = entry
        .toLowerCase()
        .replace(/^\[|\]$/g, '')
        .split(/:(?=\d+$)/);
      if (p && p !== port) return false;
      const bare = name.replace(/^\*?\./, '');
      return h === bare || h.endsWith(`.${bare}`);
    });
}

/** The proxy URL to use for `target`, or null for a direct connection. */
export function proxyFor(setting: ProxySetting, target: URL, env: NodeJS.ProcessEnv): string | null {
  if (setting === 'none' || setting === '') return null;
  if (setting !== 'env') return setting;
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const secure = target.protocol === 'https:' || target.protocol === 'wss:';
  const proxy = secure
    ? pick('https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
    : pick('http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY');
  if (!proxy) return null;
  const port = target.port || (secure ? '443' : '80');
  if (bypassesProxy(target.hostname, port, pick('no_proxy', 'NO_PROXY'))) return null;
  return proxy;
}
