import { readFileSync, statfsSync } from 'node:fs';

/** One second of samples, kept for the last hour: 3,600 points per series (about 1 MB for a typical host). */
export const HISTORY_SECONDS = 3600;
const SECTOR = 512;

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

interface Counters {
  at: number;
  cpu: number[];
  disk: { read: number; write: number };
  net: { rx: number; tx: number };
}

const CPU_STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

function counters(now: number): Counters {
  const cpuLine =
    read('/proc/stat')
      .split('\n')
      .find((l) => l.startsWith('cpu ')) ?? '';
  const cpu = cpuLine.trim().split(/\s+/).slice(1, 9).map(Number);
  let diskRead = 0;
  let diskWrite = 0;
  for (const l of read('/proc/diskstats').split('\n')) {
    const f = l.trim().split(/\s+/);
    // Whole disks only (sda, vda, nvme0n1), not partitions or virtual devices.
    if (f.length < 14 || !/^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/.test(f[2]!)) continue;
    diskRead += Number(f[5]) * SECTOR;
    diskWrite += Number(f[9]) * SECTOR;
  }
  let rx = 0;
  let tx = 0;
  for (const l of read('/proc/net/dev').split('\n').slice(2)) {
    const [name, rest] = l.split(':');
    if (!rest || name!.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0]!;
    tx += f[8]!;
  }
  return { at: now, cpu, disk: { read: diskRead, write: diskWrite }, net: { rx, tx } };
}

function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of read('/proc/meminfo').split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(l);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

/** Real file systems mounted on this machine (no proc, tmpfs, overlay internals). */
function mounts(): string[] {
  const real = /^(ext[234]|xfs|btrfs|zfs|f2fs|vfat|exfat|ntfs|ntfs3|jfs|reiserfs|overlay)$/;
  const seen = new Set<string>();
  for (const l of read('/proc/mounts').split('\n')) {
    const f = l.split(' ');
    if (f.length > 2 && real.test(f[2]!) && !f[1]!.startsWith('/snap/'))
      seen.add(f[1]!.replace(/\\040/g, ' '));
  }
  return [...seen].slice(0, 50);
}

/** Samples live system data once a second from /proc and keeps the last hour in memory (never sent unasked). */
export function createMetricsCollector(now: () => number = Date.now) {
  const series = new Map<string, { t: number[]; v: number[] }>();
  let last: Counters | null = null;
  let timer: NodeJS.Timeout | null = null;

  function put(name: string, t: number, v: number) {
    let s = series.get(name);
    if (!s) series.set(name, (s = { t: [], v: [] }));
    s.t.push(t);
    s.v.push(Math.round(v * 1000) / 1000);
    if (s.t.length > HISTORY_SECONDS) {
      s.t.shift();
      s.v.shift();
    }
  }

  function sample() {
    const t = now();
    const c = counters(t);
    if (last) {
      const dt = (c.at - last.at) / 1000 || 1;
      const total = c.cpu.reduce((a, b) => a + b, 0) - last.cpu.reduce((a, b) => a + b, 0) || 1;
      CPU_STATES.forEach((state, i) => put(`cpu.${state}`, t, ((c.cpu[i]! - last!.cpu[i]!) / total) * 100));
      put('disk.read_bytes_per_s', t, Math.max(0, (c.disk.read - last.disk.read) / dt));
      put('disk.write_bytes_per_s', t, Math.max(0, (c.disk.write - last.disk.write) / dt));
      put('net.rx_bytes_per_s', t, Math.max(0, (c.net.rx - last.net.rx) / dt));
      put('net.tx_bytes_per_s', t, Math.max(0, (c.net.tx - last.net.tx) / dt));
    }
    last = c;
    const [l1, l5, l15] = read('/proc/loadavg').split(' ').map(Number);
    put('load.1', t, l1 ?? 0);
    put('load.5', t, l5 ?? 0);
    put('load.15', t, l15 ?? 0);
    const m = meminfo();
    put('mem.total_bytes', t, m.MemTotal ?? 0);
    put('mem.used_bytes', t, (m.MemTotal ?? 0) - (m.MemAvailable ?? 0));
    put('mem.available_bytes', t, m.MemAvailable ?? 0);
    put('swap.total_bytes', t, m.SwapTotal ?? 0);
    put('swap.used_bytes', t, (m.SwapTotal ?? 0) - (m.SwapFree ?? 0));
    put('uptime_s', t, Number(read('/proc/uptime').split(' ')[0]) || 0);
    for (const mount of mounts()) {
      try {
        const s = statfsSync(mount);
        put(
          `disk.used_percent:${mount}`,
          t,
          ((s.blocks - s.bfree) / (s.blocks - s.bfree + s.bavail || 1)) * 100,
        );
      } catch {
        // unmounted between listing and reading
      }
    }
  }

  return {
    start(): void {
      sample();
      timer = setInterval(sample, 1000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
    },
    sample,
    /** Series names available now. */
    names: () => [...series.keys()].sort(),
    /**
     * Points after `after` (epoch ms) for the named series (all when empty), at most `points` per series
     * (evenly thinned, newest kept).
     */
    query(names: string[], after: number, points: number) {
      const out: Record<string, [number, number][]> = {};
      for (const name of names.length ? names : [...series.keys()]) {
        const s = series.get(name);
        if (!s) continue;
        let from = s.t.findIndex((t) => t > after);
        if (from < 0) from = s.t.length;
        const n = s.t.length - from;
        const step = Math.max(1, Math.ceil(n / Math.max(1, points)));
        const pts: [number, number][] = [];
        for (let i = s.t.length - 1; i >= from; i -= step) pts.push([s.t[i]!, s.v[i]!]);
        out[name] = pts.reverse();
      }
      return { series: out, history_seconds: HISTORY_SECONDS };
    },
  };
}
export type MetricsCollector = ReturnType<typeof createMetricsCollector>;
