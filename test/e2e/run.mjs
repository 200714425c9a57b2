// Browser end-to-end tests, started by `npm test`: one headless Chromium; every test/e2e/*.e2e.mjs
// runs in turn against its own fresh `wrangler dev` (own local D1/R2/DO state, WhatsApp simulator on),
// so no test depends on what another left behind. Screenshots go to test-artifacts/.
//
// A test file: `export const title = "..."; export default async function (t) { ... }` where
// t = { baseUrl, browser, artifacts, env, signedWebhook(payload) } and a throw means failure.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launchChromium } from "../../scripts/lib/chromium.mjs";
import { applyMigrations, freePort, startWorker } from "../../scripts/lib/dev-server.mjs";
import { E2E_ENV, signedWebhook } from "./lib.mjs";

const only = process.argv[2];
const files = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".e2e.mjs") && (!only || f.includes(only)))
  .sort();
if (files.length === 0) {
  console.log("e2e: no browser tests found");
  process.exit(1);
}

const artifacts = join(process.cwd(), "test-artifacts");
mkdirSync(artifacts, { recursive: true });
/** A fresh worker with its own state for one test file. */
async function freshWorker() {
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-e2e-"));
  applyMigrations(persistTo);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { ...E2E_ENV, WHATSAPP_API_BASE: `${baseUrl}/__dev/graph/v23.0` };
  const server = await startWorker({ port, persistTo, vars: env });
  return {
    baseUrl,
    env,
    logs: server.logs,
    async stop() {
      await server.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

const browser = await launchChromium();

let passed = 0;
let failed = 0;
try {
  for (const file of files) {
    const mod = await import(pathToFileURL(join(new URL(".", import.meta.url).pathname, file)).href);
    const title = mod.title ?? file;
    const started = Date.now();
    const worker = await freshWorker();
    const { baseUrl, env } = worker;
    try {
      await mod.default({ baseUrl, browser, artifacts, env, signedWebhook: (p) => signedWebhook(baseUrl, p, env) });
      passed++;
      console.log(`  ✓ ${title} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      console.log(`  ✗ ${title}\n${err?.stack ?? err}`);
      console.log(worker.logs().split("\n").slice(-40).join("\n"));
    } finally {
      await worker.stop();
    }
  }
} finally {
  await browser.close().catch(() => {});
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
