/** Job types an agent may run; `shell` runs only where the agent's own config enables it. */
export const JOB_TYPES = [
  'system.probe',
  'restic.init',
  'restic.backup',
  'restic.snapshots',
  'restic.forget',
  'restic.check',
  'shell',
] as const;
export type JobType = (typeof JOB_TYPES)[number];
