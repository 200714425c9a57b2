// Hooks the audit retention into the minute cron (imported once by worker/index.ts).
import { getDb } from "../db/client";
import { registerScheduledTask } from "../scheduled";
import { applyAuditRetention } from "./retention";

registerScheduledTask(async (env, scheduledTime) => {
  await applyAuditRetention(getDb(env.DB), scheduledTime);
});
