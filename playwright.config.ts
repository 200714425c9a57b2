// Browser tests (npm run test:e2e): @playwright/test against a fresh `wrangler dev` per spec file
// (see test/e2e/support/fixtures.ts). The browser is never downloaded: scripts/lib/chromium.mjs
// finds one (CHROMIUM_PATH → system Chromium → @sparticuz/chromium from npm).
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, resolveChromium } from "./scripts/lib/chromium.mjs";

const { executablePath } = await resolveChromium();

export default defineConfig({
  testDir: "test/e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./test/e2e/global-setup.ts",
  outputDir: "test-artifacts/test-results",
  reporter: [["list"], ["html", { open: "never", outputFolder: "test-artifacts/playwright-report" }]],
  // Measured on the 2-core machine: see docs/testing.md.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Generous because the machine is shared; a test waits for things, it never sleeps for them.
  timeout: 240_000,
  expect: { timeout: 20_000 },
  use: {
    browserName: "chromium",
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    locale: "de-AT",
    timezoneId: "Europe/Vienna",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "desk", use: { viewport: { width: 1280, height: 800 } } },
    {
      name: "phone",
      grep: /@phone/,
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    },
  ],
});
