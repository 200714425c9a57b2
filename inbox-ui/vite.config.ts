// Builds the staff app into dist/public (shared with the widget build, so the folder is not emptied).
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

const root = new URL(".", import.meta.url).pathname;
/** Where `npm start` runs the Worker (PORT, default 8787). */
const WORKER = `http://127.0.0.1:${process.env.PORT ?? "8787"}`;

export default defineConfig({
  root,
  base: "/",
  plugins: [preact()],
  build: {
    outDir: "../dist/public",
    emptyOutDir: false,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    rollupOptions: { input: `${root}index.html` },
  },
  server: {
    // `vite --config inbox-ui/vite.config.ts` is for UI work against a running `npm start`. The API
    // accepts writes only from its own origin, so the proxy presents itself as that origin.
    proxy: {
      "/api": { target: WORKER, changeOrigin: true, headers: { origin: WORKER } },
      "/parties": { target: WORKER, changeOrigin: true, ws: true, headers: { origin: WORKER } },
    },
  },
});
