// Tells the staff app live that a broadcast waits for approval, or was approved or rejected.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { staff } from "../db/schema";
import type { Env } from "../env";
import { publishToRoom } from "../inbox/publish";
import type { BroadcastRow } from "./compose";

export async function publishApproval(env: Pick<Env, "Inbox">, db: Db, row: BroadcastRow): Promise<void> {
  const actorId = row.approvalState === "pending" ? row.approvalRequestedBy : row.approvalBy;
  const actor = actorId ? await db.select({ name: staff.name }).from(staff).where(eq(staff.id, actorId)).get() : undefined;
  await publishToRoom(env, [
    { type: "broadcast.approval", broadcastId: row.id, title: row.title, state: row.approvalState, byName: actor?.name ?? null, authorId: row.createdBy },
  ]);
}
