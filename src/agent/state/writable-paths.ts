import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';

/** The agent's unit and the drop-in that widens what it may write. */
export const UNIT_NAME = 'muster-agent.service';
export const DROP_IN = 'writable-paths.conf';

/** Paths the agent must never be given write access to: the system itself. */
const REFUSED = [
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib64',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
];

/** An absolute path with the symbolic links of its existing part resolved: where a write there really lands. */
export function resolvedPath(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing) && existing !== '/') {
    rest.unshift(basename(existing));
    existing = dirname(existing);
  }
  return join(realpathSync(existing), ...rest);
}

/** Why a path cannot be made writable for the agent, or null when it can. */
export function refusedPath(path: string): string | null {
  if (!path.startsWith('/')) return `${path} is not an absolute path`;
  if (/\s/.test(path)) return `${path} contains white space, which a unit file cannot list`;
  if (/[%'"\\;$`]/.test(path))
    return `${path} contains % (a systemd specifier), a quote or another character a unit file would read as more than a path`;
  const p = normalize(path).replace(/\/+$/, '') || '/';
  if (p.split('/').includes('..')) return `${path} contains ".."`;
  for (const r of REFUSED)
    if (p === r || (r !== '/' && p.startsWith(`${r}/`)))
      return `${p} is part of the system (${r}); the agent is never given write access there`;
  // A symbolic link would let the agent write where it points, which may be the system.
  const real = resolvedPath(p);
  if (real !== p)
    return `${p} goes through a symbolic link to ${real}; give the real path (after checking it is not part of the system)`;
  return null;
}

/** The paths the admin allowed with allow-path (the unit's drop-in), or none. */
export function allowedPaths(unitDir = '/etc/systemd/system'): string[] {
  const file = join(unitDir, `${UNIT_NAME}.d`, DROP_IN);
  try {
    return allowedIn(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/** The paths an existing drop-in already allows. */
function allowedIn(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('ReadWritePaths='))
    .flatMap((l) => l.slice('ReadWritePaths='.length).split(/\s+/))
    .map((p) => p.replace(/^-/, ''))
    .filter(Boolean);
}

/** The drop-in's text for these paths. */
export function dropInText(paths: string[]): string {
  return (
    '# Written by "muster-agent allow-path": where the agent may write besides its state directory\n' +
    "# (local backup repositories, restore targets). The rest of the unit's hardening stays.\n" +
    '[Service]\n' +
    paths.map((p) => `ReadWritePaths=-${p}\n`).join('')
  );
}

/**
 * Let the agent's systemd unit write to more paths: each is created (0700) when missing, added to the unit's
 * drop-in, and systemd reloads and restarts the agent when it runs here. Returns what it did, line by line.
 */
export function allowPaths(paths: string[], o: { unitDir: string; systemd: boolean }): string[] {
  for (const p of paths) {
    const why = refusedPath(p);
    if (why) throw new Error(why);
  }
  const file = join(o.unitDir, `${UNIT_NAME}.d`, DROP_IN);
  const before = existsSync(file) ? allowedIn(readFileSync(file, 'utf8')) : [];
  const added = paths.map((p) => normalize(p).replace(/\/+$/, '')).filter((p) => !before.includes(p));
  const said: string[] = [];
  for (const p of added) {
    if (!existsSync(p)) {
      mkdirSync(p, { recursive: true, mode: 0o700 });
      said.push(`created ${p}`);
    }
  }
  if (added.length === 0) return [`already writable for the agent: ${paths.join(' ')}`];
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(`${file}.tmp`, dropInText([...before, ...added]), { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
  said.push(`${file} now allows ${[...before, ...added].join(' ')}`);
  if (!o.systemd) {
    said.push('the drop-in applies when systemd next starts the agent');
    return said;
  }
  for (const args of [['daemon-reload'], ['restart', UNIT_NAME]]) {
    const r = spawnSync('systemctl', args, { encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`systemctl ${args.join(' ')} failed: ${r.stderr.trim() || r.error?.message}`);
  }
  said.push('the agent was restarted with the new paths');
  return said;
}
