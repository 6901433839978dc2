import { z } from 'zod';

/** Host labels a node may report: how many, and how long a key and a value may be (about 40 KiB at most). */
export const MAX_LABELS = 64;
export const MAX_LABEL_KEY = 100;
export const MAX_LABEL_VALUE = 500;

export const nodeFacts = z.object({
  hostname: z.string().max(253),
  os: z.string().max(200),
  os_version: z.string().max(100).optional(),
  kernel: z.string().max(200),
  arch: z.string().max(50),
  cpus: z.number().int().nonnegative(),
  memory_bytes: z.number().nonnegative(),
  virtualization: z.string().max(100),
  container: z.string().max(100),
  labels: z
    .record(z.string().max(MAX_LABEL_KEY), z.string().max(MAX_LABEL_VALUE))
    .refine((l) => Object.keys(l).length <= MAX_LABELS, `at most ${MAX_LABELS} labels`)
    .default({}),
  capabilities: z.array(z.string().max(100)).max(100).default([]),
});
export type NodeFacts = z.infer<typeof nodeFacts>;
