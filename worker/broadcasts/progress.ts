// Live progress for the staff app: {type:"broadcast.progress"} over the InboxRoom, at most about
// once per second per broadcast and isolate (a fan-out at 80 sends/s must not flood browsers).
// Every state change (start, pause, resume, cancel, done) is published at once.
import { eq } from "drizzle-orm";
import { getDb } from "../db/client";
import { broadcasts } from "../db/schema";
import type { Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import { countsOf } from "./counts";

export const PROGRESS_INTERVAL_MS = 1_000;

const lastSent = new Map<string, number>();
/** When the scheduled trailing update of a broadcast runs (epoch ms). */
const trailingAt = new Map<string, number>();

async function publishNow(env: Pick<Env, "DB" | "Inbox">, broadcastId: string): Promise<void> {
  lastSent.set(broadcastId, Date.now());
  const db = getDb(env.DB);
  const row = await db.select({ status: broadcasts.status }).from(broadcasts).where(eq(broadcasts.id, broadcastId)).get();
  if (!row) return;
  const counts = await countsOf(db, broadcastId);
  await publishToRoom(env, [{ type: "broadcast.progress", broadcastId, counts: { ...counts }, status: row.status }]);
}

/**
 * Publishes the broadcast's counts and status; never throws. `force` skips the throttle (state
 * changes: start, pause, done…). Throttled calls are dropped, unless `trailing` asks for one update
 * after the interval (status webhooks: the last delivered/read numbers must arrive); the call that
 * schedules it resolves once it went out (callers keep it alive with waitUntil).
 */
export async function publishProgress(
  env: Pick<Env, "DB" | "Inbox">,
  broadcastId: string,
  o: { force?: boolean; trailing?: boolean } = {},
): Promise<void> {
  try {
    const since = Date.now() - (lastSent.get(broadcastId) ?? 0);
    if (o.force || since >= PROGRESS_INTERVAL_MS) return await publishNow(env, broadcastId);
    if (!o.trailing) return;
    // One trailing update per interval; it reads the counts when it runs, so later calls need
    // nothing of their own. (Never await a promise made while serving another request.)
    const due = (lastSent.get(broadcastId) ?? 0) + PROGRESS_INTERVAL_MS;
    if ((trailingAt.get(broadcastId) ?? 0) >= due) return;
    trailingAt.set(broadcastId, due);
    await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    await publishNow(env, broadcastId);
  } catch (err) {
    console.warn("broadcast progress not published", err);
  }
}
