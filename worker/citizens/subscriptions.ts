// Subscriptions and the consent log, changed together: every real change of a subscription writes
// exactly one consent event, decided inside the same D1 batch (so concurrent messages of one citizen
// can never record a change that did not happen). The consent log is append-only: this module only
// ever INSERTs into consent_events; the one UPDATE anywhere is the anonymisation on erasure (gdpr.ts),
// and a database trigger refuses every other change.
import type { ConsentAction, ConsentEventView, ConsentSource } from "../shared/wire-types";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { inList } from "../db/chunk";
import { batchSql, type Db } from "../db/client";
import { channels, consentEvents, staff, subscriptions } from "../db/schema";

export type { ConsentAction, ConsentEventView, ConsentSource } from "../shared/wire-types";

export interface SubscriptionChange {
  citizenId: string;
  subscribe?: string[];
  unsubscribe?: string[];
  /** End every active subscription (STOP, erasure); recorded even when there was none. */
  unsubscribeAll?: boolean;
  source: ConsentSource;
  /** The citizen's message that asked for it. */
  messageWamid?: string | null;
  staffId?: string | null;
  /** Action recorded for "all" (default unsubscribe_all; erase on erasure). */
  allAction?: Extract<ConsentAction, "unsubscribe_all" | "erase">;
}

const TRUE = sql`1`;

/**
 * The statements for one change. `guard` (an SQL condition) is ANDed into every statement, so the
 * caller can make the whole change depend on something else in the same batch (e.g. the claim of a
 * message by the keyword processor).
 */
export function subscriptionChangeStatements(change: SubscriptionChange, now: number, guard: SQL = TRUE): SQL[] {
  const { citizenId, source } = change;
  const wamid = change.messageWamid ?? null;
  const staffId = change.staffId ?? null;
  const out: SQL[] = [];
  const isActive = (channelId: string) =>
    sql`EXISTS (SELECT 1 FROM subscriptions WHERE citizen_id = ${citizenId} AND channel_id = ${channelId} AND active = 1)`;
  const open = (channelId: string) => sql`EXISTS (SELECT 1 FROM channels WHERE id = ${channelId} AND archived = 0)`;

  for (const channelId of new Set(change.subscribe ?? [])) {
    out.push(sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, created_at)
      SELECT ${citizenId}, ${channelId}, 'subscribe', ${source}, ${wamid}, ${staffId}, ${now}
      WHERE NOT ${isActive(channelId)} AND ${open(channelId)} AND ${guard}`);
    out.push(sql`INSERT INTO subscriptions (citizen_id, channel_id, active, created_at, updated_at)
      SELECT ${citizenId}, ${channelId}, 1, ${now}, ${now} WHERE ${open(channelId)} AND ${guard}
      ON CONFLICT (citizen_id, channel_id) DO UPDATE SET active = 1, updated_at = excluded.updated_at WHERE active = 0`);
  }
  for (const channelId of new Set(change.unsubscribe ?? [])) {
    out.push(sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, created_at)
      SELECT ${citizenId}, ${channelId}, 'unsubscribe', ${source}, ${wamid}, ${staffId}, ${now}
      WHERE ${isActive(channelId)} AND ${guard}`);
    out.push(sql`UPDATE subscriptions SET active = 0, updated_at = ${now}
      WHERE citizen_id = ${citizenId} AND channel_id = ${channelId} AND active = 1 AND ${guard}`);
  }
  if (change.unsubscribeAll) {
    const action = change.allAction ?? "unsubscribe_all";
    const anyActive = sql`EXISTS (SELECT 1 FROM subscriptions WHERE citizen_id = ${citizenId} AND active = 1)`;
    // One event per channel ended; one without a channel when nothing was on (the request is proof too).
    out.push(sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, created_at)
      SELECT ${citizenId}, NULL, ${action}, ${source}, ${wamid}, ${staffId}, ${now} WHERE NOT ${anyActive} AND ${guard}`);
    out.push(sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, created_at)
      SELECT citizen_id, channel_id, ${action}, ${source}, ${wamid}, ${staffId}, ${now}
      FROM subscriptions WHERE citizen_id = ${citizenId} AND active = 1 AND ${guard} ORDER BY channel_id`);
    out.push(sql`UPDATE subscriptions SET active = 0, updated_at = ${now}
      WHERE citizen_id = ${citizenId} AND active = 1 AND ${guard}`);
  }
  return out;
}

/** Applies a change in one batch (staff actions); returns the active channel ids afterwards. */
export async function changeSubscriptions(db: Db, change: SubscriptionChange): Promise<string[]> {
  const statements = subscriptionChangeStatements(change, Date.now());
  if (statements.length) await batchSql(db, statements);
  return activeChannelIds(db, change.citizenId);
}

export async function activeChannelIds(db: Db, citizenId: string): Promise<string[]> {
  const rows = await db
    .select({ channelId: subscriptions.channelId })
    .from(subscriptions)
    .innerJoin(channels, eq(channels.id, subscriptions.channelId))
    .where(and(eq(subscriptions.citizenId, citizenId), eq(subscriptions.active, true)))
    .orderBy(asc(channels.position), asc(channels.name))
    .all();
  return rows.map((r) => r.channelId);
}

/**
 * The citizens a broadcast to these channels may reach: an active subscription to at least one of
 * them, not erased, and a WhatsApp address. Anyone who sent STOP has no active subscription left.
 * As SQL, for INSERT … SELECT materialisation of broadcast recipients.
 */
export function activeSubscribersQuery(channelIds: string[]): SQL {
  if (channelIds.length === 0) return sql`SELECT NULL AS citizen_id WHERE 0`;
  return sql`SELECT DISTINCT s.citizen_id AS citizen_id
    FROM subscriptions s JOIN citizens c ON c.id = s.citizen_id
    WHERE s.active = 1 AND s.channel_id IN ${inList(channelIds)}
      AND c.erased_at IS NULL AND (c.wa_id IS NOT NULL OR c.user_id IS NOT NULL)`;
}

export async function activeSubscriberIds(db: Db, channelIds: string[]): Promise<string[]> {
  if (channelIds.length === 0) return [];
  const rows = await db.all<{ citizen_id: string }>(sql`${activeSubscribersQuery(channelIds)} ORDER BY 1`);
  return rows.map((r) => r.citizen_id);
}

export interface SubscriptionView {
  channelId: string;
  channelName: string;
  active: boolean;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export async function subscriptionsOf(db: Db, citizenId: string): Promise<SubscriptionView[]> {
  return db
    .select({
      channelId: subscriptions.channelId,
      channelName: channels.name,
      active: subscriptions.active,
      archived: channels.archived,
      createdAt: subscriptions.createdAt,
      updatedAt: subscriptions.updatedAt,
    })
    .from(subscriptions)
    .innerJoin(channels, eq(channels.id, subscriptions.channelId))
    .where(eq(subscriptions.citizenId, citizenId))
    .orderBy(asc(channels.position), asc(channels.name))
    .all();
}

/** The full consent history of a citizen, oldest first (ids grow with time). */
export async function consentHistory(db: Db, citizenId: string): Promise<ConsentEventView[]> {
  return db
    .select({
      id: consentEvents.id,
      channelId: consentEvents.channelId,
      channelName: channels.name,
      action: consentEvents.action,
      source: consentEvents.source,
      messageWamid: consentEvents.messageWamid,
      staffId: consentEvents.staffId,
      staffName: staff.name,
      createdAt: consentEvents.createdAt,
    })
    .from(consentEvents)
    .leftJoin(channels, eq(channels.id, consentEvents.channelId))
    .leftJoin(staff, eq(staff.id, consentEvents.staffId))
    .where(eq(consentEvents.citizenId, citizenId))
    .orderBy(asc(consentEvents.id))
    .all();
}

/** Which of these ids are channels (optionally: not archived). */
export async function existingChannelIds(db: Db, ids: string[], o: { openOnly?: boolean } = {}): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(sql`${channels.id} IN ${inList(ids)}`, o.openOnly ? eq(channels.archived, false) : undefined))
    .all();
  return rows.map((r) => r.id);
}
