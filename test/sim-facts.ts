/** Facts a simulated agent says hello with. */
export const SIM_FACTS = {
  hostname: 'sim',
  os: 'Linux',
  kernel: 'linux 6',
  arch: 'x64',
  cpus: 2,
  memory_bytes: 1,
  virtualization: 'none',
  container: 'none',
  labels: {},
  capabilities: [],
};
