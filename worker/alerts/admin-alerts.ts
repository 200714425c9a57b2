// Problems only an admin can fix (e.g. the WhatsApp access token expired). One open alert per kind
// is stored; every occurrence is pushed live so the banner reappears after a dismissal elsewhere.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { adminAlerts } from "../db/schema";
import { NotFound } from "../shared/errors";
import type { RoomEvent } from "../shared/events";
import { AuthError } from "../whatsapp/errors";

export const ALERT_MESSAGES = {
  whatsapp_token:
    "Der WhatsApp-Zugangsschlüssel (Access Token) ist ungültig oder abgelaufen (Fehler 190). Es können keine Nachrichten gesendet werden. " +
    "Bitte in Meta Business einen neuen Schlüssel erzeugen und als WHATSAPP_ACCESS_TOKEN hinterlegen.",
} as const;
export type AlertKind = keyof typeof ALERT_MESSAGES;

/** Stores the alert unless one of this kind is still open; returns the event to publish. */
export async function raiseAdminAlert(db: Db, kind: AlertKind): Promise<RoomEvent> {
  const message = ALERT_MESSAGES[kind];
  await db.run(sql`INSERT INTO admin_alerts (kind, message, created_at)
    SELECT ${kind}, ${message}, ${Date.now()}
    WHERE NOT EXISTS (SELECT 1 FROM admin_alerts WHERE kind = ${kind} AND acknowledged_at IS NULL)`);
  return { type: "admin.alert", kind, message };
}

/**
 * An alert with its own text (e.g. about one template or one broadcast); `kind` names the subject,
 * so the same problem is stored once while open.
 */
export async function raiseCustomAlert(db: Db, kind: string, message: string): Promise<RoomEvent> {
  await db.run(sql`INSERT INTO admin_alerts (kind, message, created_at)
    SELECT ${kind}, ${message}, ${Date.now()}
    WHERE NOT EXISTS (SELECT 1 FROM admin_alerts WHERE kind = ${kind} AND acknowledged_at IS NULL)`);
  return { type: "admin.alert", kind, message };
}

/** For any Graph call: an AuthError (190) alerts the admins. */
export async function alertOnAuthError(db: Db, err: unknown): Promise<RoomEvent | null> {
  if (!(err instanceof AuthError)) return null;
  return raiseAdminAlert(db, "whatsapp_token");
}

export function listOpenAlerts(db: Db) {
  return db
    .select({ id: adminAlerts.id, kind: adminAlerts.kind, message: adminAlerts.message, createdAt: adminAlerts.createdAt })
    .from(adminAlerts)
    .where(isNull(adminAlerts.acknowledgedAt))
    .orderBy(desc(adminAlerts.createdAt))
    .all();
}

/** Returns false when there is no such open alert. */
/** Marks an open alert as seen; NotFound when there is no open alert with this number. */
export async function acknowledgeAlert(db: Db, id: number): Promise<void> {
  const row = await db
    .update(adminAlerts)
    .set({ acknowledgedAt: Date.now() })
    .where(and(eq(adminAlerts.id, id), isNull(adminAlerts.acknowledgedAt)))
    .returning({ id: adminAlerts.id })
    .get();
  if (!row) throw new NotFound("not_found", "Diesen Hinweis gibt es nicht oder er wurde schon bestätigt. Bitte die Seite neu laden.");
}
