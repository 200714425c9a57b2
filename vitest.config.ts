import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
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
            // Explicit, so a developer's .dev.vars (npm start turns the simulator on) never leaks into tests.
            DEV_SIMULATOR: "false",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/e2e/**", "test/bench/**", "node_modules/**"],
      setupFiles: ["./test/helpers/apply-migrations.ts", "./test/helpers/platform-limits.ts"],
    },
  };
});
