// Builds the sign-up widget into one classic script, dist/public/widget.js (no hash: the town's
// website links to this exact name). Shares dist/public with the staff app, so nothing is emptied.
import { defineConfig } from "vite";

const root = new URL(".", import.meta.url).pathname;

export default defineConfig({
  root,
  publicDir: false,
  build: {
    outDir: "../dist/public",
    emptyOutDir: false,
    copyPublicDir: false,
    target: "es2019",
    sourcemap: false,
    minify: true,
    lib: {
      entry: `${root}src/widget.ts`,
      name: "townwireWidget",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
  },
});
