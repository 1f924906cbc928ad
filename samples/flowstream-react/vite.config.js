import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The FlowStream sample host (dotnet run --project samples/FlowStream.Sample) serves /executions and /api; the dev server
// and `vite preview` pass those paths to it, so the page and the API share one origin.
const host = process.env.FLOWSTREAM_HOST ?? 'http://localhost:5080';
const proxy = { '/executions': { target: host }, '/api': { target: host } };
const repo = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    // The packages are used from their source in this repository (clients/js), exactly as they are published.
    alias: {
      '@flowstream/react': repo('clients/js/packages/react/src/index.js'),
      '@flowstream/client': repo('clients/js/packages/client/src/index.js'),
    },
    dedupe: ['react', 'react-dom'],
  },
  server: { port: 5173, proxy, fs: { allow: [repo('')] } },
  preview: { port: 4173, proxy },
});
