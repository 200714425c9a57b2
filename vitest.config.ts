// Two Workers-runtime projects: "product" runs the product Worker (wrangler.toml) with its tests;
// "simulator" runs the dev Worker (dev/wrangler.toml) with the simulator's tests in dev/test, and
// the product beside it as an auxiliary Worker named "townwire" (the dev Worker's PRODUCT binding),
// sharing its D1 database and R2 bucket, as `wrangler dev` runs them (scripts/lib/dev-server.mjs).
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { productWorker } from "./dev/test/product-worker";
import { buildPhonePage } from "./scripts/build-phone.mjs";

/** The configuration every test sees (tests never read a developer's .dev.vars). */
const TEST_VARS = {
  WHATSAPP_VERIFY_TOKEN: "test-verify-token",
  WHATSAPP_APP_SECRET: "test-app-secret",
  WHATSAPP_ACCESS_TOKEN: "test-access-token",
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  WHATSAPP_BUSINESS_ACCOUNT_ID: "102290129340398",
  WHATSAPP_DISPLAY_NUMBER: "436641234567",
  WHATSAPP_API_BASE: "https://graph.test/v23.0",
  ADMIN_EMAIL: "admin@gemeinde.test",
  ADMIN_PASSWORD: "test-admin-password",
  WIDGET_ALLOWED_ORIGINS: "https://www.gemeinde.test",
};

/** Built once per run, for the simulator project only. */
let phoneBuilt: Promise<string> | undefined;

const setupFiles = ["./test/helpers/apply-migrations.ts", "./test/helpers/platform-limits.ts"];

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: { bindings: { TEST_MIGRATIONS: migrations, ...TEST_VARS } },
            }),
          ],
          test: {
            name: "product",
            // One runtime for all files (no per-file start-up, about 2 minutes less on 2 cores): every
            // test starts from an empty database and bucket (test/helpers/apply-migrations.ts).
            isolate: false,
            include: ["test/**/*.test.ts"],
            exclude: ["test/e2e/**", "test/bench/**", "node_modules/**"],
            setupFiles,
          },
        },
        {
          plugins: [
            cloudflareTest(async () => {
              // The dev Worker inlines the phone page's bundled script (wrangler dev builds it itself).
              await (phoneBuilt ??= buildPhonePage());
              return {
                wrangler: { configPath: "./dev/wrangler.toml" },
                miniflare: {
                  bindings: { TEST_MIGRATIONS: migrations, ...TEST_VARS },
                  // The product calls its WHATSAPP_API_BASE over HTTP; here that is the dev Worker under test.
                  workers: [await productWorker({ ...TEST_VARS, WHATSAPP_API_BASE: "https://townwire.test/__dev/graph/v23.0" }, "vitest-plugin-runner-simulator")],
                },
              };
            }),
          ],
          test: {
            name: "simulator",
            // One runtime for its files too, as in "product": every test empties the simulator
            // (useSimulator in dev/test/helpers.ts) and starts from an empty database and bucket.
            isolate: false,
            include: ["dev/test/**/*.test.ts"],
            setupFiles,
          },
        },
      ],
    },
  };
});
