import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

// TEST_MIGRATIONS is bound by vitest.config.ts from the migrations/ folder.
const { TEST_MIGRATIONS } = env as unknown as { TEST_MIGRATIONS: D1Migration[] };
await applyD1Migrations(env.DB, TEST_MIGRATIONS);

import { beforeEach } from "vitest";
import { resetDb } from "./db";

/** Every test starts with an empty bucket too (files share one runtime: vitest.config.ts, isolate false). */
async function clearBucket(): Promise<void> {
  const bucket = (env as { MEDIA?: R2Bucket }).MEDIA;
  if (!bucket) return;
  for (;;) {
    const page = await bucket.list({ limit: 1000 });
    if (page.objects.length === 0) return;
    await bucket.delete(page.objects.map((o) => o.key));
  }
}

beforeEach(async () => {
  await resetDb();
  await clearBucket();
});
