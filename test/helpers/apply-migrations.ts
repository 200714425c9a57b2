import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

// TEST_MIGRATIONS is bound by vitest.config.ts from the migrations/ folder.
const { TEST_MIGRATIONS } = env as unknown as { TEST_MIGRATIONS: D1Migration[] };
await applyD1Migrations(env.DB, TEST_MIGRATIONS);

import { beforeEach } from "vitest";
import { resetDb } from "./db";

beforeEach(async () => {
  await resetDb();
});
