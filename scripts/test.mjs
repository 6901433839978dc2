// Runs every test file (unit tests beside the code, integration tests in test/) with node:test through tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// `--fast`: the unit tests beside the code and the in-process tier (test/fast), no sockets or processes.
const args = process.argv.slice(2);
const files =
  args[0] === '--fast'
    ? [...find('src'), ...find(join('test', 'fast'))].sort()
    : args.length > 0
      ? args
      : [...find('src'), ...find('test')].sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
