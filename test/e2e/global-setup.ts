// Runs once before the browser tests: names the Chromium in use, and applies the migrations once
// into a template folder that every spec's fresh Worker starts from (a copy is much faster than
// running the migrations again for every file).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveChromium } from "../../scripts/lib/chromium.mjs";
import { applyMigrations } from "../../scripts/lib/dev-server.mjs";

export default async function globalSetup(): Promise<() => void> {
  const { executablePath, source } = await resolveChromium();
  console.log(`chromium: ${executablePath} (${source})`);
  const template = mkdtempSync(join(tmpdir(), "townwire-e2e-template-"));
  applyMigrations(template);
  process.env.TOWNWIRE_E2E_STATE_TEMPLATE = template;
  return () => rmSync(template, { recursive: true, force: true });
}
