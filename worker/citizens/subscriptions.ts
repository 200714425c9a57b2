// Subscriptions and the consent log, changed together: every real change of a subscription writes
// exactly one consent event, decided inside the same D1 batch (so concurrent messages of one citizen
// can never record a change that did not happen). The consent log is append-only: this module only
// ever INSERTs into consent_events; the one UPDATE anywhere is the anonymisation on erasure (gdpr.ts),
// and a database trigger refuses every other change.
import type { ConsentAction, ConsentEventView, ConsentSource } from "../shared/wire-types";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { inList } from "../db/chunk";
import { batchSql, type Db } from "../db/client";
import { channels, citizens, consentEvents, staff, subscriptions } from "../db/schema";

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
  /** When the citizen acted (the WhatsApp timestamp, ms); default: now (staff, Meta opt-outs). */
  actedAt?: number;
  /** Why staff made the change (recorded with subscribe events; required after STOP). */
  reason?: string | null;
}

const TRUE = sql`1`;

/**
 * The statements for one change. `guard` (an SQL condition) is ANDed into every statement, so the
 * caller can make the whole change depend on something else in the same batch (e.g. the claim of a
 * message by the keyword processor).
 *
 * Order (docs/inbound.md): per channel, the action with the newest `actedAt` wins, whatever order
 * they are processed in. A subscription keeps the time of the action that set it (consent_at), the
 * citizen the time of the newest "leave everything" (consent_all_at). An opt-in applies only if it
 * is newer than both; an opt-out if it is not older than the subscription's time, so at the same
 * time the opt-out wins. Erasure always applies. An action that asks for a state the channel is not
 * in is logged, with superseded = 1 when it lost; one that asks for the current state is not logged.
 */
export function subscriptionChangeStatements(change: SubscriptionChange, now: number, guard: SQL = TRUE): SQL[] {
  const { citizenId, source } = change;
  const at = change.actedAt ?? now;
  const wamid = change.messageWamid ?? null;
  const staffId = change.staffId ?? null;
  const reason = change.reason ?? null;
  const out: SQL[] = [];
  const row = (channelId: string, cond: SQL) =>
    sql`EXISTS (SELECT 1 FROM subscriptions WHERE citizen_id = ${citizenId} AND channel_id = ${channelId} AND ${cond})`;
  const isActive = (channelId: string) => row(channelId, sql`active = 1`);
  const open = (channelId: string) => sql`EXISTS (SELECT 1 FROM channels WHERE id = ${channelId} AND archived = 0)`;
  const allAt = sql`coalesce((SELECT consent_all_at FROM citizens WHERE id = ${citizenId}), -1)`;
  const event = (channelId: string, action: ConsentAction, superseded: SQL) =>
    sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, acted_at, superseded, reason, created_at)
      SELECT ${citizenId}, ${channelId}, ${action}, ${source}, ${wamid}, ${staffId}, ${at}, ${superseded}, ${reason}, ${now}`;

  for (const channelId of new Set(change.subscribe ?? [])) {
    const loses = sql`(${at} <= ${allAt} OR ${row(channelId, sql`(consent_at > ${at} OR (consent_at = ${at} AND active = 0))`)})`;
    out.push(sql`${event(channelId, "subscribe", loses)} WHERE NOT ${isActive(channelId)} AND ${open(channelId)} AND ${guard}`);
    out.push(sql`INSERT INTO subscriptions (citizen_id, channel_id, active, consent_at, created_at, updated_at)
      SELECT ${citizenId}, ${channelId}, 1, ${at}, ${now}, ${now} WHERE ${open(channelId)} AND ${at} > ${allAt} AND ${guard}
      ON CONFLICT (citizen_id, channel_id) DO UPDATE SET active = 1, consent_at = excluded.consent_at,
        updated_at = CASE WHEN subscriptions.active = 0 THEN excluded.updated_at ELSE subscriptions.updated_at END
      WHERE subscriptions.consent_at < excluded.consent_at`);
  }
  for (const channelId of new Set(change.unsubscribe ?? [])) {
    const loses = row(channelId, sql`consent_at > ${at}`);
    out.push(sql`${event(channelId, "unsubscribe", loses)} WHERE ${isActive(channelId)} AND ${guard}`);
    // Also when nothing is on: the row remembers the time, so an older opt-in cannot switch it on.
    out.push(sql`INSERT INTO subscriptions (citizen_id, channel_id, active, consent_at, created_at, updated_at)
      SELECT ${citizenId}, ${channelId}, 0, ${at}, ${now}, ${now} WHERE EXISTS (SELECT 1 FROM channels WHERE id = ${channelId}) AND ${guard}
      ON CONFLICT (citizen_id, channel_id) DO UPDATE SET active = 0, consent_at = excluded.consent_at,
        updated_at = CASE WHEN subscriptions.active = 1 THEN excluded.updated_at ELSE subscriptions.updated_at END
      WHERE subscriptions.consent_at <= excluded.consent_at`);
  }
  if (change.unsubscribeAll) {
    const action = change.allAction ?? "unsubscribe_all";
    const erase = action === "erase";
    const wins = erase ? TRUE : sql`consent_at <= ${at}`;
    const anyActive = sql`EXISTS (SELECT 1 FROM subscriptions WHERE citizen_id = ${citizenId} AND active = 1)`;
    // One event per channel ended; one without a channel when nothing was on (the request is proof too).
    out.push(sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, acted_at, superseded, created_at)
      SELECT ${citizenId}, NULL, ${action}, ${source}, ${wamid}, ${staffId}, ${at}, ${erase ? sql`0` : sql`${at} < ${allAt}`}, ${now}
      WHERE NOT ${anyActive} AND ${guard}`);
    out.push(sql`INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, staff_id, acted_at, superseded, created_at)
      SELECT citizen_id, channel_id, ${action}, ${source}, ${wamid}, ${staffId}, ${at}, NOT (${wins}), ${now}
      FROM subscriptions WHERE citizen_id = ${citizenId} AND active = 1 AND ${guard} ORDER BY channel_id`);
    out.push(sql`UPDATE subscriptions SET active = 0, consent_at = max(consent_at, ${at}), updated_at = ${now}
      WHERE citizen_id = ${citizenId} AND active = 1 AND ${wins} AND ${guard}`);
    out.push(sql`UPDATE citizens SET consent_all_at = max(coalesce(consent_all_at, ${at}), ${at})
      WHERE id = ${citizenId} AND ${guard}`);
  }
  return out;
}

/** What the order rule needs to know about one citizen (read before planning a reply). */
export interface ConsentState {
  allAt: number | null;
  rows: Map<string, { active: boolean; consentAt: number }>;
}

export async function consentState(db: Db, citizenId: string): Promise<ConsentState> {
  const [citizen, rows] = consentStateQueries(db, citizenId);
  return consentStateOf(await citizen.all(), await rows.all());
}

/** The two reads of consentState, for a D1 batch with other reads (consentStateOf reads their rows). */
export const consentStateQueries = (db: Db, citizenId: string) =>
  [
    db.select({ at: citizens.consentAllAt }).from(citizens).where(eq(citizens.id, citizenId)),
    db
      .select({ channelId: subscriptions.channelId, active: subscriptions.active, consentAt: subscriptions.consentAt })
      .from(subscriptions)
      .where(eq(subscriptions.citizenId, citizenId)),
  ] as const;

export const consentStateOf = (citizen: { at: number | null }[], rows: { channelId: string; active: boolean; consentAt: number }[]): ConsentState => ({
  allAt: citizen[0]?.at ?? null,
  rows: new Map(rows.map((r) => [r.channelId, { active: r.active, consentAt: r.consentAt }])),
});

/** Per channel: changed by this action, or asked for but lost to a newer one. */
export interface ConsentOutcome {
  applied: string[];
  superseded: string[];
}

/**
 * The same rule as subscriptionChangeStatements, on a state read beforehand: what the change will
 * do, so the bot's reply can say it. The SQL decides; a mismatch (a concurrent change) is detected
 * after the batch. `openChannels`: ids of channels that are not archived.
 */
export function predictOutcome(state: ConsentState, change: SubscriptionChange, now: number, openChannels: string[]): ConsentOutcome {
  const at = change.actedAt ?? now;
  const allAt = state.allAt ?? -1;
  const out: ConsentOutcome = { applied: [], superseded: [] };
  for (const id of new Set(change.subscribe ?? [])) {
    const r = state.rows.get(id);
    if (!openChannels.includes(id) || r?.active) continue;
    const loses = at <= allAt || (r !== undefined && (r.consentAt > at || (r.consentAt === at && !r.active)));
    (loses ? out.superseded : out.applied).push(id);
  }
  for (const id of new Set(change.unsubscribe ?? [])) {
    const r = state.rows.get(id);
    if (!r?.active) continue;
    (r.consentAt > at ? out.superseded : out.applied).push(id);
  }
  if (change.unsubscribeAll) {
    for (const [id, r] of state.rows) {
      if (!r.active) continue;
      (change.allAction !== "erase" && r.consentAt > at ? out.superseded : out.applied).push(id);
    }
  }
  return out;
}

/** The outcome as logged for one message (after the batch). */
export async function loggedOutcome(db: Db, citizenId: string, wamid: string): Promise<ConsentOutcome> {
  const rows = await db.all<{ channel_id: string; superseded: number }>(sql`SELECT channel_id, superseded FROM consent_events
    WHERE citizen_id = ${citizenId} AND message_wamid = ${wamid} AND channel_id IS NOT NULL ORDER BY id`);
  return {
    applied: rows.filter((r) => r.superseded === 0).map((r) => r.channel_id),
    superseded: rows.filter((r) => r.superseded === 1).map((r) => r.channel_id),
  };
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
      actedAt: consentEvents.actedAt,
      superseded: consentEvents.superseded,
      reason: consentEvents.reason,
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
  const rows = await existingChannelIdsQuery(db, ids, o).all();
  return rows.map((r) => r.id);
}

/** The query alone, for a D1 batch with other reads. */
export const existingChannelIdsQuery = (db: Db, ids: string[], o: { openOnly?: boolean } = {}) =>
  db
    .select({ id: channels.id })
    .from(channels)
    .where(and(sql`${channels.id} IN ${inList(ids)}`, o.openOnly ? eq(channels.archived, false) : undefined));
