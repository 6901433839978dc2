// `npm start`: run the server from its build, building first only when the sources are newer than the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';
const INPUTS = ['src', 'web', 'deploy/install', 'scripts/build.mjs', 'package-lock.json'];

/** The newest modification time under a file or directory (node_modules and dist excluded). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
if (built === 0 || INPUTS.some((p) => newest(p) > built)) {
  if (existsSync('node_modules/vite') && existsSync('node_modules/esbuild')) {
    const r = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  } else if (built === 0) {
    process.stderr.write(
      'muster: dist/ is not built and the build tools are not installed: run `npm ci && npm run build`\n',
    );
    process.exit(1);
  } else {
    process.stderr.write(
      'muster: the sources are newer than dist/, but the build tools are not installed; running the existing build\n',
    );
  }
}
await import('../dist/server/muster.mjs');
