// Push subscriptions and each staff member's choice of events, in D1.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { pushSettings, pushSubscriptions, staff } from "../db/schema";
import { newId } from "../shared/ids";

/** Without a row: "Mir zugewiesen" on, "Neue Meldung" off (reports concern a few, assignments everyone). */
export const DEFAULT_SETTINGS = { assigned: true, newReports: false } as const;
/** Devices per staff member; a new one beyond this replaces the oldest. */
export const MAX_SUBSCRIPTIONS_PER_STAFF = 10;

export interface PushSettings {
  assigned: boolean;
  newReports: boolean;
}

export interface StoredSubscription {
  id: string;
  staffId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface NewSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string | null;
}

export async function getSettings(db: Db, staffId: string): Promise<PushSettings> {
  const row = await db.select({ assigned: pushSettings.assigned, newReports: pushSettings.newReports }).from(pushSettings).where(eq(pushSettings.staffId, staffId)).get();
  return row ?? { ...DEFAULT_SETTINGS };
}

export async function saveSettings(db: Db, staffId: string, settings: PushSettings): Promise<PushSettings> {
  const now = Date.now();
  await db
    .insert(pushSettings)
    .values({ staffId, ...settings, updatedAt: now })
    .onConflictDoUpdate({ target: pushSettings.staffId, set: { ...settings, updatedAt: now } });
  return getSettings(db, staffId);
}

/** This staff member's devices (newest first). */
export async function listSubscriptions(db: Db, staffId: string) {
  return db
    .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, label: pushSubscriptions.label, createdAt: pushSubscriptions.createdAt })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.staffId, staffId))
    .orderBy(sql`${pushSubscriptions.createdAt} DESC`)
    .all();
}

/**
 * Saves a browser's subscription for `staffId`. A browser that subscribes again (same endpoint, maybe
 * after another colleague used it) is updated and now belongs to `staffId`: one device, one person.
 */
export async function saveSubscription(db: Db, staffId: string, sub: NewSubscription): Promise<{ id: string }> {
  const row = await db
    .insert(pushSubscriptions)
    .values({ id: newId(), staffId, ...sub, createdAt: Date.now() })
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { staffId, p256dh: sub.p256dh, auth: sub.auth, label: sub.label } })
    .returning({ id: pushSubscriptions.id })
    .get();
  const own = await db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.staffId, staffId)).orderBy(asc(pushSubscriptions.createdAt)).all();
  const excess = own.slice(0, Math.max(0, own.length - MAX_SUBSCRIPTIONS_PER_STAFF)).map((r) => r.id).filter((id) => id !== row.id);
  if (excess.length) await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, excess));
  return row;
}

/** Removes one of the staff member's own subscriptions; false when there was none. */
export async function removeOwnSubscription(db: Db, staffId: string, id: string): Promise<boolean> {
  const gone = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.staffId, staffId)))
    .returning({ id: pushSubscriptions.id })
    .all();
  return gone.length > 0;
}

/** The push service said the subscription no longer exists (404/410). */
export async function forgetSubscription(db: Db, id: string): Promise<void> {
  await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

export async function getSubscription(db: Db, id: string): Promise<StoredSubscription | null> {
  return (await subscriptionsWhere(db, eq(pushSubscriptions.id, id)))[0] ?? null;
}

/** Devices of active staff members, optionally only of `staffId`. */
export async function subscriptionsOfStaff(db: Db, staffId: string): Promise<StoredSubscription[]> {
  return subscriptionsWhere(db, eq(pushSubscriptions.staffId, staffId));
}

/** Devices of active staff members who want "Neue Meldung" (their own report excepted). */
export async function subscriptionsForNewReports(db: Db, exceptStaffId: string | null): Promise<StoredSubscription[]> {
  return subscriptionsWhere(
    db,
    and(
      sql`coalesce(${pushSettings.newReports}, ${DEFAULT_SETTINGS.newReports ? 1 : 0}) = 1`,
      exceptStaffId ? sql`${pushSubscriptions.staffId} <> ${exceptStaffId}` : undefined,
    ),
  );
}

async function subscriptionsWhere(db: Db, where: ReturnType<typeof and>): Promise<StoredSubscription[]> {
  return db
    .select({ id: pushSubscriptions.id, staffId: pushSubscriptions.staffId, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth })
    .from(pushSubscriptions)
    .innerJoin(staff, eq(staff.id, pushSubscriptions.staffId))
    .leftJoin(pushSettings, eq(pushSettings.staffId, pushSubscriptions.staffId))
    .where(and(eq(staff.disabled, false), where))
    .all();
}
