/**
 * The console's build. `npm run build:console` writes web/dist (what CDK deploys); `npm start`
 * builds through infra/local/console.ts, which skips the build when nothing changed.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The CSP forbids inline scripts: every script is a file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    // Read by `npm run bench` to tell which files each page loads.
    manifest: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        advancedChunks: {
          // zod is needed only by the pages that validate forms with the API's schemas; left
          // to itself the bundler folds it into a chunk that sign-in loads too.
          groups: [{ name: 'zod', test: /node_modules[\\/]zod[\\/]/ }],
        },
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1' },
});
