import { defineConfig } from 'vite';

// The build lands in target/classes/static, so the web-ui jar carries the UI and the topology
// server serves it at "/". `npm run dev` proxies the API and the stream to a server on 8080.
export default defineConfig({
  base: './',
  build: {
    outDir: 'target/classes/static',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 300,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
