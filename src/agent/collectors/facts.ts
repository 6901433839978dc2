import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import type { NodeFacts } from '../../protocol/link-frames.ts';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function osRelease(): { name: string; version: string } {
  const text = read('/etc/os-release') || read('/usr/lib/os-release');
  const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(text)?.[1];
  return { name: get('PRETTY_NAME') ?? get('NAME') ?? platform(), version: get('VERSION_ID') ?? '' };
}

/** Container runtime the agent runs in, or "none". */
function container(): string {
  if (existsSync('/.dockerenv')) return 'docker';
  if (existsSync('/run/.containerenv')) return 'podman';
  const env1 = read('/proc/1/environ');
  if (env1.includes('container=lxc')) return 'lxc';
  const cg = read('/proc/1/cgroup');
  if (/kubepods/.test(cg)) return 'kubernetes';
  if (/docker|containerd/.test(cg)) return 'docker';
  return 'none';
}

/** Hypervisor the machine runs on, or "none". */
function virtualization(): string {
  const product =
    `${read('/sys/class/dmi/id/product_name')} ${read('/sys/class/dmi/id/sys_vendor')}`.toLowerCase();
  for (const [needle, name] of [
    ['kvm', 'kvm'],
    ['qemu', 'qemu'],
    ['vmware', 'vmware'],
    ['virtualbox', 'oracle'],
    ['hyper-v', 'microsoft'],
    ['microsoft corporation', 'microsoft'],
    ['xen', 'xen'],
    ['amazon ec2', 'amazon'],
    ['google compute engine', 'google'],
    ['firecracker', 'firecracker'],
  ] as const) {
    if (product.includes(needle)) return name;
  }
  if (/^flags\s*:.*\bhypervisor\b/m.test(read('/proc/cpuinfo'))) return 'unknown-hypervisor';
  return 'none';
}

/** Facts about this machine, sent in hello. */
/** What this agent does besides the link, told to the server in its facts (e.g. `jobs/shell`). */
export function collectFacts(labels: Record<string, string> = {}, capabilities: string[] = []): NodeFacts {
  const os = osRelease();
  return {
    hostname: hostname(),
    os: os.name,
    os_version: os.version,
    kernel: `${platform()} ${release()}`,
    arch: arch(),
    cpus: cpus().length,
    memory_bytes: totalmem(),
    virtualization: virtualization(),
    container: container(),
    labels,
    capabilities: ['link/1', ...capabilities],
  };
}
