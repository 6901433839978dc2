import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import type { FunctionsAnswer, FunctionTable } from '../../protocol/node-data.ts';

const PAGE = 4096;
const MIB = 1024 * 1024;

/** Real file systems mounted here, with their device and type. */
function mountPoints(): FunctionTable {
  const rows: unknown[][] = [];
  const real = /^(ext[234]|xfs|btrfs|zfs|f2fs|vfat|exfat|ntfs|ntfs3|jfs|reiserfs|overlay|tmpfs)$/;
  const seen = new Set<string>();
  for (const line of readFileSync('/proc/mounts', 'latin1').split('\n')) {
    const [device, rawPath, type] = line.split(' ');
    if (!device || !rawPath || !type || !real.test(type)) continue;
    const path = rawPath.replace(/\\040/g, ' ');
    if (seen.has(path) || seen.size >= 500) continue;
    seen.add(path);
    try {
      const s = statfsSync(path);
      const used = (s.blocks - s.bfree) * s.bsize;
      const avail = s.bavail * s.bsize;
      rows.push([
        path,
        type,
        device,
        Math.round((used / (used + avail || 1)) * 1000) / 10,
        Math.round((used / 1024 / MIB) * 100) / 100,
        Math.round((avail / 1024 / MIB) * 100) / 100,
        s.files ? Math.round(((s.files - s.ffree) / s.files) * 1000) / 10 : null,
      ]);
    } catch {
      // gone between listing and reading
    }
  }
  return {
    name: 'mount-points',
    help: 'Mounted file systems with their space and inode usage',
    columns: [
      { id: 'mount', name: 'Mount point', type: 'string', visible: true },
      { id: 'type', name: 'Type', type: 'string', visible: true },
      { id: 'device', name: 'Device', type: 'string', visible: true },
      { id: 'used_pct', name: 'Used', type: 'number', units: '%', visible: true },
      { id: 'used', name: 'Used space', type: 'number', units: 'GiB', visible: true },
      { id: 'avail', name: 'Available', type: 'number', units: 'GiB', visible: true },
      { id: 'inodes_pct', name: 'Inodes used', type: 'number', units: '%', visible: true },
    ],
    rows,
    sort_column: 'used_pct',
  };
}

/** Every process: its id, parent, name, state, memory and CPU time (from /proc/<pid>/stat). */
function processes(): FunctionTable {
  const ticks = 100;
  const rows: unknown[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || rows.length >= 20_000) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(open + 1, close);
      const f = stat.slice(close + 2).split(' ');
      const cpuSeconds = (Number(f[11]) + Number(f[12])) / ticks;
      rows.push([
        Number(entry),
        Number(f[1]),
        name,
        f[0],
        Math.round(((Number(f[21]) * PAGE) / MIB) * 10) / 10,
        Math.round(cpuSeconds * 100) / 100,
        Number(f[17]),
      ]);
    } catch {
      // exited while being read
    }
  }
  return {
    name: 'processes',
    help: 'Every process on the node with its memory and CPU time',
    columns: [
      { id: 'pid', name: 'PID', type: 'integer', visible: true },
      { id: 'ppid', name: 'Parent', type: 'integer', visible: true },
      { id: 'name', name: 'Command', type: 'string', visible: true },
      { id: 'state', name: 'State', type: 'string', visible: true },
      { id: 'rss', name: 'Memory', type: 'number', units: 'MiB', visible: true },
      { id: 'cpu', name: 'CPU time', type: 'number', units: 's', visible: true },
      { id: 'threads', name: 'Threads', type: 'integer', visible: true },
    ],
    rows,
    sort_column: 'rss',
  };
}

/** The functions Muster's agent offers, by name. */
export const NODE_FUNCTIONS: Record<string, { help: string; run: () => FunctionTable }> = {
  'mount-points': { help: 'Mounted file systems with their space and inode usage', run: mountPoints },
  processes: { help: 'Every process on the node with its memory and CPU time', run: processes },
};

export const listFunctions = (): FunctionsAnswer => ({
  functions: Object.entries(NODE_FUNCTIONS).map(([name, f]) => ({ name, help: f.help, tags: 'top' })),
});
