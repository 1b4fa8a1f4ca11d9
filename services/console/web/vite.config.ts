import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is a static SPA; services/console/src/server.ts serves dist/ behind the gateway.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `pnpm --filter @dj/console dev` against a running stack (bash infra/start.sh).
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:8080' },
  },
});
