// Subscribers for staff: the searchable list with counts per channel, and one citizen's details.
import type { SubscriberList, SubscriberSummary } from "../shared/wire-types";
import { asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { containsText } from "../db/search";
import { citizens, conversations } from "../db/schema";
import { notFound } from "../shared/errors";
import { consentHistory, subscriptionsOf, type ConsentEventView, type SubscriptionView } from "./subscriptions";

export const SUBSCRIBER_STATUSES = ["all", "subscribed", "unsubscribed"] as const;

export type { SubscriberList, SubscriberSummary } from "../shared/wire-types";

export interface SubscriberQuery {
  channel?: string;
  q?: string;
  status?: (typeof SUBSCRIBER_STATUSES)[number];
  cursor?: string;
  limit?: number;
}

/** Cursor = "<createdAt>.<id>" of the last row of the page (newest first). */
export const CURSOR_PATTERN = /^\d+\.[A-Za-z0-9_-]+$/;

export async function listSubscribers(db: Db, query: SubscriberQuery): Promise<SubscriberList> {
  const limit = query.limit ?? 50;
  const where: SQL[] = [sql`c.erased_at IS NULL`];
  const hasActive = sql`EXISTS (SELECT 1 FROM subscriptions s WHERE s.citizen_id = c.id AND s.active = 1)`;
  if (query.channel) {
    where.push(sql`EXISTS (SELECT 1 FROM subscriptions s WHERE s.citizen_id = c.id AND s.channel_id = ${query.channel} AND s.active = 1)`);
  }
  if (query.status === "subscribed") where.push(hasActive);
  if (query.status === "unsubscribed") where.push(sql`NOT ${hasActive}`);
  const q = query.q?.trim();
  if (q) {
    const digits = q.replace(/[^\d]/g, "");
    // "+43 664 …" and "0664…" both find 43664…: compare digits, and the national form without 0.
    const core = digits.replace(/^0+/, "");
    const numberMatch = core.length >= 3 ? sql` OR ${containsText(sql`c.wa_id`, core)}` : sql``;
    where.push(sql`(${containsText(sql`c.name`, q)} OR c.user_id = ${q}${numberMatch})`);
  }
  if (query.cursor) {
    const [at, id] = query.cursor.split(".");
    where.push(sql`(c.created_at < ${Number(at)} OR (c.created_at = ${Number(at)} AND c.id < ${id ?? ""}))`);
  }
  const rows = await db.all<{
    id: string;
    name: string | null;
    wa_id: string | null;
    user_id: string | null;
    locale: string;
    created_at: number;
    last_inbound_at: number | null;
    channels: string | null;
  }>(sql`SELECT c.id, c.name, c.wa_id, c.user_id, c.locale, c.created_at, c.last_inbound_at,
      (SELECT group_concat(channel_id, ',') FROM (SELECT s.channel_id FROM subscriptions s JOIN channels ch ON ch.id = s.channel_id
        WHERE s.citizen_id = c.id AND s.active = 1 ORDER BY ch.position, ch.name)) AS channels
    FROM citizens c
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY c.created_at DESC, c.id DESC
    LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    subscribers: page.map((r) => ({
      id: r.id,
      name: r.name,
      waId: r.wa_id,
      userId: r.user_id,
      locale: r.locale,
      createdAt: r.created_at,
      lastInboundAt: r.last_inbound_at,
      channels: r.channels ? r.channels.split(",") : [],
    })),
    nextCursor: rows.length > limit && last ? `${last.created_at}.${last.id}` : null,
    ...(await subscriberCounts(db)),
  };
}

export async function subscriberCounts(db: Db): Promise<{ counts: Record<string, number>; totalSubscribed: number }> {
  const perChannel = await db.all<{ channel_id: string; n: number }>(sql`SELECT s.channel_id, count(*) AS n
    FROM subscriptions s JOIN citizens c ON c.id = s.citizen_id
    WHERE s.active = 1 AND c.erased_at IS NULL GROUP BY s.channel_id`);
  const total = await db.get<{ n: number }>(sql`SELECT count(DISTINCT s.citizen_id) AS n
    FROM subscriptions s JOIN citizens c ON c.id = s.citizen_id WHERE s.active = 1 AND c.erased_at IS NULL`);
  const counts: Record<string, number> = {};
  for (const r of perChannel) counts[r.channel_id] = r.n;
  return { counts, totalSubscribed: total?.n ?? 0 };
}

export interface SubscriberDetail {
  subscriber: SubscriberSummary & { erasedAt: number | null };
  subscriptions: SubscriptionView[];
  /** Oldest first. */
  consent: ConsentEventView[];
  conversations: { id: string; status: "open" | "resolved"; lastMessageAt: number; createdAt: number }[];
}

export async function getSubscriber(db: Db, citizenId: string): Promise<SubscriberDetail> {
  const c = await db.select().from(citizens).where(eq(citizens.id, citizenId)).get();
  if (!c) throw notFound("Diese Person gibt es nicht (mehr). Bitte die Liste neu laden.");
  const subscriptions = await subscriptionsOf(db, citizenId);
  return {
    subscriber: {
      id: c.id,
      name: c.name,
      waId: c.waId,
      userId: c.userId,
      locale: c.locale,
      createdAt: c.createdAt,
      lastInboundAt: c.lastInboundAt,
      erasedAt: c.erasedAt,
      channels: subscriptions.filter((s) => s.active).map((s) => s.channelId),
    },
    subscriptions,
    consent: await consentHistory(db, citizenId),
    conversations: await db
      .select({ id: conversations.id, status: conversations.status, lastMessageAt: conversations.lastMessageAt, createdAt: conversations.createdAt })
      .from(conversations)
      .where(eq(conversations.citizenId, citizenId))
      .orderBy(desc(conversations.lastMessageAt), asc(conversations.id))
      .all(),
  };
}
