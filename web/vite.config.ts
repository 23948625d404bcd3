import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the local stack under /app/ (same origin as the API); `amplify_outputs.json` is read
// at start-up from beside index.html, so one build serves any stack.
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
