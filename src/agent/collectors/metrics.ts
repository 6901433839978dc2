import { closeSync, openSync, readSync, statfsSync } from 'node:fs';
import type { ContextMeta, History } from './history.ts';

/** One second of samples, kept for the last hour: 3,600 points per series (28 KiB each, about 0.6 MB for a typical host). */
export const HISTORY_SECONDS = 3600;
const SECTOR = 512;
/** Seconds read before they are parsed and recorded together (sooner when the data is asked for). */
export const BATCH = 15;
/** The files read each second. */
const SAMPLED = [
  '/proc/stat',
  '/proc/diskstats',
  '/proc/net/dev',
  '/proc/loadavg',
  '/proc/meminfo',
  '/proc/uptime',
];

/**
 * The /proc files a sample reads, opened once and read again from the start each second into one buffer that is
 * kept: a couple of preads per file instead of open, stat, read and close, and no buffer per read.
 */
function procFiles() {
  const fds = new Map<string, number | null>();
  let buf = Buffer.allocUnsafe(64 * 1024);
  function fdOf(path: string): number | null {
    let fd = fds.get(path);
    if (fd === undefined) {
      try {
        fd = openSync(path, 'r');
      } catch {
        fd = null;
      }
      fds.set(path, fd);
    }
    return fd;
  }
  return {
    read(path: string): string {
      const fd = fdOf(path);
      if (fd === null) return '';
      try {
        let len = 0;
        for (;;) {
          if (len === buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger);
            buf = bigger;
          }
          const n = readSync(fd, buf, len, buf.length - len, len);
          if (n === 0) break;
          len += n;
        }
        return buf.toString('latin1', 0, len);
      } catch {
        closeSync(fd);
        fds.delete(path);
        return '';
      }
    },
    close(): void {
      for (const fd of fds.values()) if (fd !== null) closeSync(fd);
      fds.clear();
    },
  };
}
export type Read = (path: string) => string;

interface Counters {
  at: number;
  cpu: number[];
  disk: { read: number; write: number };
  net: { rx: number; tx: number };
}

const CPU_STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

// Each file is read with one regular expression and no split into lines: the sample runs once a second with the
// processor's caches cold, where touching less costs less.
/** The first line of /proc/stat: the eight CPU states, in ticks since boot. */
const CPU_LINE = /^cpu\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/;
/**
 * A whole disk's line of /proc/diskstats (sda, vda, nvme0n1; not partitions or virtual devices): the sectors read
 * (the sixth field) and written (the tenth).
 */
const DISK_LINE =
  /^\s*\d+\s+\d+\s+(?:sd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)\s+\d+\s+\d+\s+(\d+)\s+\d+\s+\d+\s+\d+\s+(\d+)\s/gm;
/** An interface's line of /proc/net/dev: its name, bytes received (the first count) and sent (the ninth). */
const NET_LINE = /^\s*([^\s:]+):\s*(\d+)(?:\s+\d+){7}\s+(\d+)/gm;

export function counters(read: Read, now: number): Counters {
  const m = CPU_LINE.exec(read('/proc/stat'));
  const cpu = m ? m.slice(1, 9).map(Number) : [];
  let diskRead = 0;
  let diskWrite = 0;
  const disks = read('/proc/diskstats');
  DISK_LINE.lastIndex = 0;
  for (let d = DISK_LINE.exec(disks); d; d = DISK_LINE.exec(disks)) {
    diskRead += Number(d[1]) * SECTOR;
    diskWrite += Number(d[2]) * SECTOR;
  }
  let rx = 0;
  let tx = 0;
  const net = read('/proc/net/dev');
  NET_LINE.lastIndex = 0;
  for (let n = NET_LINE.exec(net); n; n = NET_LINE.exec(net)) {
    if (n[1] === 'lo') continue;
    rx += Number(n[2]);
    tx += Number(n[3]);
  }
  return { at: now, cpu, disk: { read: diskRead, write: diskWrite }, net: { rx, tx } };
}

const MEMINFO = {
  total: /^MemTotal:\s+(\d+)/m,
  available: /^MemAvailable:\s+(\d+)/m,
  swapTotal: /^SwapTotal:\s+(\d+)/m,
  swapFree: /^SwapFree:\s+(\d+)/m,
};

/** The /proc/meminfo fields the charts use, in bytes. */
function meminfo(read: Read) {
  const text = read('/proc/meminfo');
  const bytes = (field: RegExp) => Number(field.exec(text)?.[1] ?? 0) * 1024;
  return {
    total: bytes(MEMINFO.total),
    available: bytes(MEMINFO.available),
    swapTotal: bytes(MEMINFO.swapTotal),
    swapFree: bytes(MEMINFO.swapFree),
  };
}

/** Real file systems mounted on this machine (no proc, tmpfs, overlay internals). */
function mounts(read: Read): string[] {
  const real = /^(ext[234]|xfs|btrfs|zfs|f2fs|vfat|exfat|ntfs|ntfs3|jfs|reiserfs|overlay)$/;
  const seen = new Set<string>();
  for (const l of read('/proc/mounts').split('\n')) {
    const f = l.split(' ');
    if (f.length > 2 && real.test(f[2]!) && !f[1]!.startsWith('/snap/'))
      seen.add(f[1]!.replace(/\\040/g, ' '));
  }
  return [...seen].slice(0, 50);
}

/**
 * The last hour of one series: its values in a ring of the collector's slots, allocated once at full size (a new
 * sample is one store: no array growth, no shifting 3,600 elements every second). The slots' times are kept once for
 * every series; NaN marks a second the series has no value for.
 */
interface Ring {
  v: Float64Array;
  /** The first sample (counted from the collector's start) this series was written in. */
  from: number;
}
/** The contexts the agent keeps history of, named and described as Netdata's are where they mean the same. */
const CONTEXTS: Record<string, ContextMeta> = {
  'system.cpu': {
    title: 'Total CPU utilization',
    units: 'percentage',
    family: 'cpu',
    chart_type: 'stacked',
    priority: 100,
  },
  'system.load': {
    title: 'System load average',
    units: 'load',
    family: 'load',
    chart_type: 'line',
    priority: 100,
  },
  'system.ram': { title: 'System RAM', units: 'MiB', family: 'ram', chart_type: 'stacked', priority: 200 },
  'mem.swap': { title: 'System swap', units: 'MiB', family: 'swap', chart_type: 'stacked', priority: 210 },
  'system.net': {
    title: 'Physical network interfaces aggregated bandwidth',
    units: 'kilobits/s',
    family: 'network',
    chart_type: 'area',
    priority: 500,
  },
  'system.io': { title: 'Disk I/O', units: 'KiB/s', family: 'disk', chart_type: 'area', priority: 150 },
  'disk.space': {
    title: 'Disk space usage per mount point',
    units: '% used',
    family: 'disk',
    chart_type: 'line',
    priority: 2000,
  },
  'system.uptime': {
    title: 'System uptime',
    units: 'seconds',
    family: 'uptime',
    chart_type: 'line',
    priority: 1000,
  },
};
const MIB = 1024 * 1024;

/**
 * Samples live system data once a second from /proc: the last hour in memory for the `metrics` method, and the
 * tiered history (history.ts) for the data methods, when given one.
 */
export function createMetricsCollector(now: () => number = Date.now, history: History | null = null) {
  for (const [id, meta] of Object.entries(CONTEXTS)) history?.describe(id, meta);
  const series = new Map<string, Ring>();
  /** The time of each slot, shared by every series; the slot written last and how many samples were written. */
  const times = new Float64Array(HISTORY_SECONDS);
  let slot = -1;
  let written = 0;
  let last: Counters | null = null;
  let timer: NodeJS.Timeout | null = null;
  const proc = procFiles();
  const read: Read = (path) => proc.read(path);
  // Mounts change rarely: listed again once a minute.
  let mounted: string[] = [];
  let mountsAge = Infinity;

  /** The next slot, for the second at `t`: every series has no value there until it is put. */
  function advance(t: number) {
    slot = (slot + 1) % HISTORY_SECONDS;
    times[slot] = t;
    for (const s of series.values()) s.v[slot] = Number.NaN;
    written++;
  }

  function put(name: string, v: number) {
    let s = series.get(name);
    if (!s) series.set(name, (s = { v: new Float64Array(HISTORY_SECONDS), from: written - 1 }));
    s.v[slot] = Math.round(v * 1000) / 1000;
  }

  /** One second as read: the files' texts and the space used on each mount, parsed later. */
  interface Reading {
    t: number;
    texts: Record<string, string>;
    space: Record<string, number>;
  }
  const waiting: Reading[] = [];

  /**
   * Read this second: the /proc files' texts and a statfs per mount, nothing parsed. The parsing and recording wait
   * for a batch (or for the first read of the data), where they run with the processor's caches warm: run once a
   * second, each on its own, they cost the idle agent about as much again as the reads.
   */
  function sample() {
    const t = now();
    const texts: Record<string, string> = {};
    for (const path of SAMPLED) texts[path] = read(path);
    if (++mountsAge >= 60) {
      mounted = mounts(read);
      mountsAge = 0;
    }
    const space: Record<string, number> = {};
    for (const mount of mounted) {
      try {
        const s = statfsSync(mount);
        space[mount] = ((s.blocks - s.bfree) / (s.blocks - s.bfree + s.bavail || 1)) * 100;
      } catch {
        // unmounted between listing and reading
      }
    }
    waiting.push({ t, texts, space });
    if (waiting.length >= BATCH) settle();
  }

  /**
   * Parse and record every second read and not yet recorded, oldest first. The batch is taken before it is recorded:
   * a second that cannot be recorded is dropped, not tried again with every read and every sample after it.
   */
  function settle() {
    for (const r of waiting.splice(0)) record(r);
  }
  history?.fedBy(settle);

  function record({ t, texts, space }: Reading) {
    const saved: Read = (path) => texts[path] ?? '';
    advance(t);
    const c = counters(saved, t);
    const h: Record<string, Record<string, number>> = {};
    if (last) {
      const dt = (c.at - last.at) / 1000 || 1;
      const total = c.cpu.reduce((a, b) => a + b, 0) - last.cpu.reduce((a, b) => a + b, 0) || 1;
      CPU_STATES.forEach((state, i) => put(`cpu.${state}`, ((c.cpu[i]! - last!.cpu[i]!) / total) * 100));
      put('disk.read_bytes_per_s', Math.max(0, (c.disk.read - last.disk.read) / dt));
      put('disk.write_bytes_per_s', Math.max(0, (c.disk.write - last.disk.write) / dt));
      put('net.rx_bytes_per_s', Math.max(0, (c.net.rx - last.net.rx) / dt));
      put('net.tx_bytes_per_s', Math.max(0, (c.net.tx - last.net.tx) / dt));
      const share = (i: number) => ((c.cpu[i]! - last!.cpu[i]!) / total) * 100;
      h['system.cpu'] = {
        user: share(0),
        nice: share(1),
        system: share(2),
        iowait: share(4),
        irq: share(5),
        softirq: share(6),
        steal: share(7),
      };
      // As Netdata draws them: what goes out below the axis.
      h['system.io'] = {
        in: Math.max(0, (c.disk.read - last.disk.read) / dt / 1024),
        out: -Math.max(0, (c.disk.write - last.disk.write) / dt / 1024),
      };
      h['system.net'] = {
        received: (Math.max(0, (c.net.rx - last.net.rx) / dt) * 8) / 1000,
        sent: -(Math.max(0, (c.net.tx - last.net.tx) / dt) * 8) / 1000,
      };
    }
    last = c;
    const [l1, l5, l15] = saved('/proc/loadavg').split(' ').map(Number);
    put('load.1', l1 ?? 0);
    put('load.5', l5 ?? 0);
    put('load.15', l15 ?? 0);
    const m = meminfo(saved);
    put('mem.total_bytes', m.total);
    put('mem.used_bytes', m.total - m.available);
    put('mem.available_bytes', m.available);
    put('swap.total_bytes', m.swapTotal);
    put('swap.used_bytes', m.swapTotal - m.swapFree);
    const uptime = Number(saved('/proc/uptime').split(' ')[0]) || 0;
    put('uptime_s', uptime);
    h['system.load'] = { load1: l1 ?? 0, load5: l5 ?? 0, load15: l15 ?? 0 };
    h['system.ram'] = {
      used: (m.total - m.available) / MIB,
      available: m.available / MIB,
    };
    h['mem.swap'] = { used: (m.swapTotal - m.swapFree) / MIB, free: m.swapFree / MIB };
    h['system.uptime'] = { uptime };
    for (const mount in space) put(`disk.used_percent:${mount}`, space[mount]!);
    h['disk.space'] = space;
    history?.record(t, h);
  }

  return {
    start(): void {
      sample();
      timer = setInterval(sample, 1000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      settle();
      proc.close();
    },
    sample,
    /** Series names available now. */
    names: () => {
      settle();
      return [...series.keys()].sort();
    },
    /**
     * Points after `after` (epoch ms) for the named series (all when empty), at most `points` per series
     * (evenly thinned, newest kept).
     */
    query(names: string[], after: number, points: number) {
      settle();
      const out: Record<string, [number, number][]> = {};
      const filled = Math.min(written, HISTORY_SECONDS);
      // Oldest first: the p-th slot of those written is the (written - filled + p)-th sample.
      const oldest = (slot + 1 - filled + HISTORY_SECONDS) % HISTORY_SECONDS;
      for (const name of names.length ? names : [...series.keys()]) {
        const s = series.get(name);
        if (!s) continue;
        const found: number[] = [];
        for (let p = Math.max(0, s.from - (written - filled)); p < filled; p++) {
          const i = (oldest + p) % HISTORY_SECONDS;
          if (times[i]! > after && !Number.isNaN(s.v[i])) found.push(i);
        }
        const step = Math.max(1, Math.ceil(found.length / Math.max(1, points)));
        const pts: [number, number][] = [];
        for (let k = found.length - 1; k >= 0; k -= step) pts.push([times[found[k]!]!, s.v[found[k]!]!]);
        out[name] = pts.reverse();
      }
      return { series: out, history_seconds: HISTORY_SECONDS };
    },
  };
}
export type MetricsCollector = ReturnType<typeof createMetricsCollector>;
