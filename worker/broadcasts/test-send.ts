// "Testversand": the broadcast exactly as citizens would get it, to the staff member's own number.
import { eq } from "drizzle-orm";
import { getDb } from "../db/client";
import { staff } from "../db/schema";
import { getConfig, type Env } from "../env";
import { failureReason } from "../inbox/failure-reasons";
import { RuleViolation, Unavailable, UpstreamFailed } from "../shared/errors";
import { clientFromConfig, GraphApiError, reviveGraphError } from "../whatsapp";
import { getBroadcastRow } from "./compose";
import { prepareMessage } from "./message";
import { sendPaced } from "./sender";

/**
 * `unconfirmed`: WhatsApp's answer was lost, so the message may have arrived. It is not sent again
 * (the staff member sees it on their phone, or not); the app says so instead of "failed".
 */
export type TestSendResult = { wamid: string; to: string; unconfirmed: false } | { wamid: null; to: string; unconfirmed: true };

export async function testSend(env: Env, broadcastId: string, staffId: string): Promise<TestSendResult> {
  const db = getDb(env.DB);
  const cfg = getConfig(env);
  const me = await db.select({ phone: staff.phone }).from(staff).where(eq(staff.id, staffId)).get();
  if (!me?.phone) {
    throw new RuleViolation("no_phone", "Für den Testversand bitte zuerst die eigene WhatsApp-Nummer im Team-Bereich eintragen.");
  }
  const broadcast = await getBroadcastRow(db, broadcastId);
  const whatsapp = clientFromConfig(cfg);
  try {
    const message = await prepareMessage({ db, bucket: env.MEDIA, whatsapp }, broadcast);
    // Through the pacer like everything else sent from this number; it goes ahead of newsletters.
    const [result] = await sendPaced(env, { broadcastId, priority: "direct", message, items: [{ key: "test", to: { waId: me.phone } }] });
    if (result?.kind === "sent") return { wamid: result.wamid, to: me.phone, unconfirmed: false };
    if (result?.kind === "error") {
      const err = reviveGraphError(result.error);
      if (err.ambiguous) return { wamid: null, to: me.phone, unconfirmed: true };
      throw err;
    }
    throw new Unavailable("busy", "Gerade wird mit voller Geschwindigkeit gesendet. Bitte in einer Minute noch einmal versuchen.");
  } catch (err) {
    if (err instanceof GraphApiError) {
      const reason = failureReason(err.code, err.details || err.title || null) ?? "WhatsApp hat die Nachricht abgelehnt";
      throw new (err.retryable ? UpstreamFailed : RuleViolation)("whatsapp_error", `Testversand fehlgeschlagen: ${reason}`, { code: err.code });
    }
    throw err;
  }
}
