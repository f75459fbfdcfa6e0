import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Signaling serves the built app at / on its own port; in dev, Vite proxies the API and Socket.IO to a
// signaling started with `pnpm start` (port 8080 unless ABLAK_DEV_API says otherwise).
const api = process.env.ABLAK_DEV_API ?? 'http://localhost:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022' },
});
