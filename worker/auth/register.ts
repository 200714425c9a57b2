// Hooks auth housekeeping into the minute cron (imported once by worker/index.ts).
import { getDb } from "../db/client";
import { registerScheduledTask } from "../scheduled";
import { cleanupAuthTables } from "./cleanup";

registerScheduledTask((env, scheduledTime) => cleanupAuthTables(getDb(env.DB), scheduledTime));
