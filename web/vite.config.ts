import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// The web UI is built into dist/web, which the server serves.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      // zod's sources carry comments Rollup cannot place; dropping them changes nothing in the output.
      onLog(level, log, handler) {
        if (log.code !== 'INVALID_ANNOTATION') handler(level, log);
      },
    },
  },
  logLevel: 'warn',
});
