// Builds the staff app (inbox-ui) and the sign-up widget into dist/public, served as static assets,
// and the simulator's phone page script for the dev Worker (scripts/build-phone.mjs).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { build } from "vite";
import { buildPhonePage } from "./build-phone.mjs";
import { iconPng, manifest } from "./lib/app-icons.mjs";

mkdirSync("dist/public", { recursive: true });
for (const part of ["inbox-ui", "widget"]) {
  const config = `${part}/vite.config.ts`;
  if (!existsSync(config)) continue;
  await build({ configFile: config, logLevel: process.env.CI ? "warn" : "info" });
}
// The simulator's phone page (dev Worker only, never in dist/ or the product bundle).
if (existsSync("dev/phone/client")) await buildPhonePage();

// Installable app: manifest, icons, and the service worker with the page's hashed files to keep
// (read from the built index.html; its version changes whenever they do).
mkdirSync("dist/public/icons", { recursive: true });
writeFileSync("dist/public/icons/icon-192.png", iconPng(192));
writeFileSync("dist/public/icons/icon-512.png", iconPng(512));
writeFileSync("dist/public/icons/icon-maskable-512.png", iconPng(512, { maskable: true }));
writeFileSync("dist/public/manifest.webmanifest", JSON.stringify(manifest(), null, 2));
const page = readFileSync("dist/public/index.html", "utf8");
const shellFiles = [...new Set([...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]))].sort();
const version = createHash("sha256").update(page).digest("hex").slice(0, 12);
const sw = readFileSync("inbox-ui/pwa/sw.js", "utf8")
  .replace('const VERSION = "dev";', `const VERSION = ${JSON.stringify(version)};`)
  .replace("const PRECACHE = [];", `const PRECACHE = ${JSON.stringify(shellFiles)};`);
if (!sw.includes(version) || !sw.includes("const PRECACHE = [\"")) throw new Error("build: could not fill in the service worker's version and files");
writeFileSync("dist/public/sw.js", sw);

// Security headers for the files the assets binding serves without the Worker (wrangler.toml
// run_worker_first): the same values as worker/routes/security-headers.ts. widget.js is loaded by
// other sites' pages with a <script> tag, so it may be read cross-origin.
const common = [
  "X-Content-Type-Options: nosniff",
  "X-Frame-Options: DENY",
  "Referrer-Policy: strict-origin-when-cross-origin",
  "Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=(), fullscreen=(self)",
  "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
  // Browsers ignore it over plain http (local runs).
  "Strict-Transport-Security: max-age=31536000; includeSubDomains",
];
const rules = {
  "/assets/*": [...common, "Cross-Origin-Resource-Policy: same-origin"],
  "/widget.js": [...common, "Cross-Origin-Resource-Policy: cross-origin"],
};
writeFileSync(
  "dist/public/_headers",
  Object.entries(rules)
    .map(([path, headers]) => `${path}\n${headers.map((h) => `  ${h}`).join("\n")}\n`)
    .join("\n"),
);
