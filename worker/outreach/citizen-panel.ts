// The citizen beside a conversation: who it is, how they may be reached (channels with consent dates),
// and what was said before (earlier conversations with their last messages, and reports), so a
// follow-up question ("Gilt das auch für den Reisepass?") can be answered with yesterday's answer at hand.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { notFound } from "../shared/errors";
import { consentHistory, subscriptionsOf } from "../citizens/subscriptions";
import type { CitizenPanel, PanelConversation, PanelMessage } from "../shared/outreach-types";
import type { ReportStatus } from "../shared/wire-types";

export type { CitizenPanel, PanelConversation, PanelMessage };

/** How many earlier conversations, and how many of their last messages, the panel shows. */
export const PANEL_CONVERSATIONS = 10;
export const PANEL_MESSAGES = 3;

export async function citizenPanel(db: Db, conversationId: string): Promise<CitizenPanel> {
  const conv = await db.get<{ citizen_id: string; created_at: number }>(
    sql`SELECT citizen_id, created_at FROM conversations WHERE id = ${conversationId}`,
  );
  if (!conv) throw notFound("Unterhaltung nicht gefunden. Bitte die Liste neu laden.");
  const c = await db.get<{ id: string; name: string | null; wa_id: string | null; user_id: string | null; created_at: number; last_inbound_at: number | null; erased_at: number | null }>(
    sql`SELECT id, name, wa_id, user_id, created_at, last_inbound_at, erased_at FROM citizens WHERE id = ${conv.citizen_id}`,
  );
  if (!c) throw notFound("Person nicht gefunden.");
  const [subs, history, others] = await Promise.all([
    subscriptionsOf(db, c.id),
    consentHistory(db, c.id),
    db.all<{ id: string; status: "open" | "resolved"; created_at: number; last_message_at: number; resolved_at: number | null; report_category: string | null; report_status: ReportStatus | null }>(
      sql`SELECT id, status, created_at, last_message_at, resolved_at, report_category, report_status FROM conversations
        WHERE citizen_id = ${c.id} AND id != ${conversationId}
        ORDER BY created_at DESC, id DESC LIMIT ${PANEL_CONVERSATIONS}`,
    ),
  ]);
  const lastMessages = await recentMessages(db, others.map((o) => o.id));
  const previous = others.find((o) => o.created_at < conv.created_at || (o.created_at === conv.created_at && o.id < conversationId));
  const effective = history.filter((e) => !e.superseded);
  const latest = effective.reduce<(typeof effective)[number] | null>((a, e) => (!a || (e.actedAt ?? e.createdAt) >= (a.actedAt ?? a.createdAt) ? e : a), null);
  return {
    citizen: {
      id: c.id,
      name: c.name,
      waId: c.wa_id,
      userId: c.user_id,
      createdAt: c.created_at,
      lastInboundAt: c.last_inbound_at,
      erased: c.erased_at !== null,
    },
    channels: subs.map((s) => ({ channelId: s.channelId, channelName: s.channelName, active: s.active, since: s.updatedAt })),
    consent: history
      .slice(-5)
      .reverse()
      .map((e) => ({ action: e.action, channelName: e.channelName, source: e.source, at: e.actedAt ?? e.createdAt, reason: e.reason ?? null })),
    stopped: latest?.action === "unsubscribe_all",
    previousConversationId: previous?.id ?? null,
    conversations: others.map((o) => ({
      id: o.id,
      status: o.status,
      createdAt: o.created_at,
      lastMessageAt: o.last_message_at,
      resolvedAt: o.resolved_at,
      report: o.report_category && o.report_status ? { category: o.report_category, status: o.report_status } : null,
      lastMessages: lastMessages.get(o.id) ?? [],
    })),
  };
}

/** The last few in/out messages of each conversation, in one query (ids are at most PANEL_CONVERSATIONS). */
async function recentMessages(db: Db, ids: string[]): Promise<Map<string, PanelMessage[]>> {
  const out = new Map<string, PanelMessage[]>();
  if (ids.length === 0) return out;
  const rows = await db.all<{ id: string; conversation_id: string; direction: "in" | "out"; text: string | null; type: string; sent_at: number; staff_id: string | null }>(
    sql`SELECT id, conversation_id, direction, text, type, sent_at, staff_id FROM (
        SELECT m.*, row_number() OVER (PARTITION BY conversation_id ORDER BY created_at DESC, id DESC) AS rn
        FROM messages m WHERE conversation_id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) AND direction IN ('in', 'out')
      ) WHERE rn <= ${PANEL_MESSAGES} ORDER BY conversation_id, created_at, id`,
  );
  for (const r of rows) {
    const list = out.get(r.conversation_id) ?? [];
    list.push({ id: r.id, direction: r.direction, text: r.text, type: r.type, sentAt: r.sent_at, automatic: r.direction === "out" && r.staff_id === null });
    out.set(r.conversation_id, list);
  }
  return out;
}
