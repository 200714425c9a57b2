// Problems only an admin can fix (e.g. the WhatsApp access token expired): stored once per kind
// while unacknowledged, and pushed live to the staff app.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { adminAlerts } from "../db/schema";
import type { RoomEvent } from "../shared/events";
import { AuthError } from "../whatsapp/errors";

export const TOKEN_ALERT =
  "WhatsApp lehnt den Zugangsschlüssel ab (Fehler 190). Bitte WHATSAPP_ACCESS_TOKEN erneuern – bis dahin werden keine Nachrichten gesendet.";

/** Records an alert unless the same kind is already open. Returns the event to publish, if new. */
export async function raiseAdminAlert(db: Db, kind: string, message: string): Promise<RoomEvent | null> {
  const open = await db
    .select({ id: adminAlerts.id })
    .from(adminAlerts)
    .where(and(eq(adminAlerts.kind, kind), isNull(adminAlerts.acknowledgedAt)))
    .get();
  if (open) return null;
  await db.insert(adminAlerts).values({ kind, message });
  return { type: "admin.alert", kind, message };
}

/** For any Graph call: an AuthError (190) alerts the admins. */
export async function alertOnAuthError(db: Db, err: unknown): Promise<RoomEvent | null> {
  if (!(err instanceof AuthError)) return null;
  return raiseAdminAlert(db, "whatsapp_token", TOKEN_ALERT);
}
