// "Weiterlesen": a citizen outside the window got the template; a tap on its quick-reply button
// opens the window, and the full content (text, photo) follows at once, through the pacer's "direct"
// lane (behind alerts, ahead of newsletters). Each citizen is counted once (opened_at); a second tap
// sends nothing. A tap after the broadcast was cancelled gets a short German note instead.
import { sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { clientFromConfig, textMessage } from "../whatsapp";
import { getBroadcastRow } from "./compose";
import { prepareContent } from "./message";
import { sendPaced } from "./sender";
import { publishProgress } from "./progress";

export type TapOutcome = "sent" | "already_opened" | "cancelled" | "unknown" | "failed";

export const CANCELLED_NOTE = "Diese Nachricht hat die Gemeinde zurückgezogen – es gibt dazu nichts weiterzulesen.";

export async function handleTeaserTap(env: Env, tap: { citizenId: string; broadcastId: string }, now = Date.now()): Promise<TapOutcome> {
  const db = getDb(env.DB);
  const opened = await db.get<{ wa_id: string | null; user_id: string | null }>(sql`
    UPDATE broadcast_recipients SET opened_at = ${now}, updated_at = ${now}
    WHERE broadcast_id = ${tap.broadcastId} AND citizen_id = ${tap.citizenId} AND opened_at IS NULL AND via = 'template'
      AND EXISTS (SELECT 1 FROM broadcasts WHERE id = ${tap.broadcastId} AND status <> 'cancelled' AND delivery <> 'template'
                  AND (text <> '' OR media_id IS NOT NULL))
    RETURNING (SELECT wa_id FROM citizens WHERE id = ${tap.citizenId}) AS wa_id, (SELECT user_id FROM citizens WHERE id = ${tap.citizenId}) AS user_id`);
  const broadcast = await getBroadcastRow(db, tap.broadcastId).catch(() => null);
  if (!broadcast) return "unknown";
  const whatsapp = clientFromConfig(getConfig(env));
  if (!opened) {
    if (broadcast.status !== "cancelled") {
      const known = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM broadcast_recipients
        WHERE broadcast_id = ${tap.broadcastId} AND citizen_id = ${tap.citizenId} AND opened_at IS NOT NULL`);
      return Number(known?.n ?? 0) > 0 ? "already_opened" : "unknown";
    }
    const to = await db.get<{ wa_id: string | null; user_id: string | null }>(sql`SELECT wa_id, user_id FROM citizens WHERE id = ${tap.citizenId}`);
    if (!to || (!to.wa_id && !to.user_id)) return "cancelled";
    await sendPaced(env, {
      broadcastId: tap.broadcastId,
      priority: "direct",
      message: textMessage(CANCELLED_NOTE),
      items: [{ key: tap.citizenId, to: { waId: to.wa_id, userId: to.user_id } }],
    });
    return "cancelled";
  }
  try {
    const message = await prepareContent({ db, bucket: env.MEDIA, whatsapp }, broadcast, now);
    const [result] = await sendPaced(env, {
      broadcastId: tap.broadcastId,
      priority: "direct",
      message,
      items: [{ key: tap.citizenId, to: { waId: opened.wa_id, userId: opened.user_id } }],
    });
    if (result?.kind === "sent") {
      await publishProgress(env, tap.broadcastId, { force: true });
      return "sent";
    }
  } catch (err) {
    console.error("teaser content could not be sent", err);
  }
  // Not sent: the next tap tries again (and only then counts).
  await db.run(sql`UPDATE broadcast_recipients SET opened_at = NULL WHERE broadcast_id = ${tap.broadcastId} AND citizen_id = ${tap.citizenId} AND opened_at = ${now}`);
  return "failed";
}
