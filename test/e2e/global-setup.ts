// Runs once before the browser tests: names the Chromium in use, applies the migrations once into a
// template folder that every spec's fresh Worker starts from (a copy is much faster than running the
// migrations again for every file), and bundles the product and the dev Worker once, so each spec's
// `wrangler dev` runs the prebuilt scripts instead of bundling them again (docs/testing.md).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveChromium } from "../../scripts/lib/chromium.mjs";
import { bundleWorkers, migrateEmptyState } from "../../scripts/lib/dev-server.mjs";

export default async function globalSetup(): Promise<() => void> {
  const { executablePath, source } = await resolveChromium();
  console.log(`chromium: ${executablePath} (${source})`);
  const started = Date.now();
  const template = mkdtempSync(join(tmpdir(), "townwire-e2e-template-"));
  const bundlesDir = mkdtempSync(join(tmpdir(), "townwire-e2e-bundles-"));
  const [, bundles] = await Promise.all([migrateEmptyState(template), bundleWorkers(bundlesDir)]);
  console.log(`migrated state and Worker bundles ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.env.TOWNWIRE_E2E_STATE_TEMPLATE = template;
  process.env.TOWNWIRE_E2E_BUNDLES = JSON.stringify(bundles);
  return () => {
    rmSync(template, { recursive: true, force: true });
    rmSync(bundlesDir, { recursive: true, force: true });
  };
}
