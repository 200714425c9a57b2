// The WhatsApp simulator's state (local use only): simulated phones and their chats, uploaded media,
// and the status webhooks still to deliver. One instance ("whatsapp") per deployment.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";
import { deliverWebhook, type Delivery } from "./deliver";
import { businessIdentity } from "./business";
import { mediaBytes, mediaInfo, storeMedia, type StoredMedia } from "./simulator-media";
import { deliverDueStatuses, enqueueStatus, logDelivery, nextDue, type SendFailure } from "./simulator-outbox";
import {
  SIMULATOR_DDL,
  toView,
  type DeliveryLogEntry,
  type JsonObject,
  type MessageRow,
  type PhoneMessageView,
  type PhoneSummary,
} from "./simulator-tables";
import {
  deliverTemplateEvents,
  findTemplate,
  insertTemplate,
  nextTemplateEvent,
  queueStatusEvent,
  REVIEW_AFTER_MS,
  reviewVerdict,
  TEMPLATE_DDL,
  type SimTemplate,
} from "./simulator-templates";
import type { TemplateDraft } from "../worker/shared/template-rules";
import { inboundPayload, newWamid, type CitizenContent, type StatusKind } from "./webhook-payloads";

export type { SendFailure, StoredMedia };

/** Delays that make statuses arrive after the send's HTTP answer, as at Meta. */
const SENT_AFTER_MS = 300;
const DELIVERED_AFTER_MS = 1000;
const READ_AFTER_MS = 200;
const TYPING_MS = 25_000;
const WINDOW_MS = 24 * 3600_000;
/** Meta's webhook timestamps are whole seconds; the window counts from that timestamp. */
const toWhatsAppTime = (ms: number) => Math.floor(ms / 1000) * 1000;
/** Storage key of the "access token expired" switch (see tokenExpired). */
const TOKEN_EXPIRED_KEY = "token_expired";

export interface OutboundSend {
  waId: string;
  type: string;
  content: JsonObject;
  callbackData: string | null;
  category: "service" | "utility" | "marketing";
  /** Free-form messages need the 24-hour window; templates do not. */
  needsWindow: boolean;
  /** An uploaded media id the message refers to; unknown ids fail like at Meta (131053). */
  mediaId: string | null;
  origin: string;
}

export interface ImportedMessage {
  wamid: string;
  direction: "in" | "out";
  type: string;
  content: JsonObject;
  status: string;
  at: number;
}

export class WhatsAppSimulator extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const ddl of [...SIMULATOR_DDL, ...TEMPLATE_DDL]) this.sql.exec(ddl);
  }

  // ---- phones and chats -------------------------------------------------------------------

  upsertPhone(waId: string, name: string): void {
    this.sql.exec(
      `INSERT INTO phones (wa_id, name, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (wa_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`,
      waId,
      name,
      Date.now(),
    );
  }

  phones(): PhoneSummary[] {
    return this.sql
      .exec<{ wa_id: string; name: string; last_at: number | null; n: number }>(
        `SELECT p.wa_id, p.name, max(m.created_at) AS last_at, count(m.seq) AS n
         FROM phones p LEFT JOIN messages m ON m.wa_id = p.wa_id
         GROUP BY p.wa_id ORDER BY coalesce(max(m.created_at), p.updated_at) DESC`,
      )
      .toArray()
      .map((r) => ({ waId: r.wa_id, name: r.name, lastMessageAt: r.last_at, messageCount: r.n }));
  }

  chat(waId: string): { name: string | null; typing: boolean; messages: PhoneMessageView[] } {
    const phone = this.sql
      .exec<{ name: string; typing_until: number }>(`SELECT name, typing_until FROM phones WHERE wa_id = ?`, waId)
      .toArray()[0];
    const rows = this.sql
      .exec<MessageRow>(
        `SELECT * FROM (SELECT * FROM messages WHERE wa_id = ? ORDER BY seq DESC LIMIT 300) ORDER BY seq`,
        waId,
      )
      .toArray();
    return { name: phone?.name ?? null, typing: (phone?.typing_until ?? 0) > Date.now(), messages: rows.map(toView) };
  }

  /** The citizen writes: records the message, delivers the signed webhook, notes the answer. */
  async citizenSends(
    spec: { waId: string; name: string; content: CitizenContent; contextWamid?: string },
    origin: string,
  ): Promise<{ message: PhoneMessageView; delivery: Delivery }> {
    const now = Date.now();
    const wamid = newWamid();
    this.upsertPhone(spec.waId, spec.name);
    const stored = { ...spec.content, ...(spec.contextWamid ? { context: { id: spec.contextWamid } } : {}) };
    this.sql.exec(
      `INSERT INTO messages (wa_id, wamid, direction, type, content, status, created_at) VALUES (?, ?, 'in', ?, ?, 'sending', ?)`,
      spec.waId,
      wamid,
      spec.content.type,
      JSON.stringify(stored),
      now,
    );
    const payload = inboundPayload(businessIdentity(this.env), {
      wamid,
      waId: spec.waId,
      profileName: spec.name,
      sentAt: now,
      content: spec.content,
      contextWamid: spec.contextWamid,
    });
    // Meta knows the citizen wrote, whether or not the worker takes the webhook.
    this.noteInbound(spec.waId, toWhatsAppTime(now));
    const delivery = await deliverWebhook(this.env, origin, payload);
    const ok = delivery.status >= 200 && delivery.status < 300;
    this.sql.exec(
      `UPDATE messages SET status = CASE WHEN status = 'read' THEN status ELSE ? END, error = ? WHERE wamid = ?`,
      ok ? "delivered" : "rejected",
      ok ? null : `Webhook antwortete ${delivery.status || "nicht"}: ${delivery.body}`,
      wamid,
    );
    this.logDelivery(`message:${spec.content.type}`, wamid, delivery);
    const row = this.sql.exec<MessageRow>(`SELECT * FROM messages WHERE wamid = ?`, wamid).one();
    return { message: toView(row), delivery };
  }

  /** The town sends (through the fake Graph API). Returns the new wamid; statuses follow by alarm. */
  async townSends(send: OutboundSend): Promise<{ wamid: string }> {
    const now = Date.now();
    const wamid = newWamid();
    const failure = this.failureFor(send, now);
    const known = this.sql.exec(`SELECT 1 FROM phones WHERE wa_id = ?`, send.waId).toArray().length > 0;
    if (!known) this.upsertPhone(send.waId, `+${send.waId}`);
    this.sql.exec(`UPDATE phones SET typing_until = 0 WHERE wa_id = ?`, send.waId);
    this.sql.exec(
      `INSERT INTO messages (wa_id, wamid, direction, type, content, status, callback_data, category, created_at)
       VALUES (?, ?, 'out', ?, ?, 'accepted', ?, ?, ?)`,
      send.waId,
      wamid,
      send.type,
      JSON.stringify(send.content),
      send.callbackData,
      send.category,
      now,
    );
    if (failure) {
      this.enqueueStatus(wamid, "failed", now + SENT_AFTER_MS, send.origin, failure);
    } else {
      this.enqueueStatus(wamid, "sent", now + SENT_AFTER_MS, send.origin);
      this.enqueueStatus(wamid, "delivered", now + DELIVERED_AFTER_MS, send.origin);
    }
    await this.scheduleAlarm();
    return { wamid };
  }

  /** Meta accepts these sends, then fails them asynchronously with a status webhook. */
  private failureFor(send: OutboundSend, now: number): SendFailure | null {
    if (send.mediaId && !this.mediaInfo(send.mediaId)) {
      return { code: 131053, title: "Media upload error", details: `Unable to fetch media with id ${send.mediaId}.` };
    }
    if (!send.needsWindow) return null;
    // Every citizen is held to the window, as at Meta: free-form content only within 24 hours of
    // their last message (by its WhatsApp timestamp); someone who never wrote cannot get any.
    const last = this.lastInboundAt(send.waId);
    if (last !== null && now - last < WINDOW_MS) return null;
    return {
      code: 131047,
      title: "Re-engagement message",
      details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    };
  }

  /** Records that the citizen wrote at `at` (WhatsApp timestamp, ms); only a newer time moves it. */
  noteInbound(waId: string, at: number): void {
    this.sql.exec(
      `INSERT INTO last_inbound (wa_id, at) VALUES (?, ?) ON CONFLICT (wa_id) DO UPDATE SET at = max(at, excluded.at)`,
      waId,
      at,
    );
  }

  /** When the citizen last wrote, as Meta knows it; null if never. */
  lastInboundAt(waId: string): number | null {
    return this.sql.exec<{ at: number }>(`SELECT at FROM last_inbound WHERE wa_id = ?`, waId).toArray()[0]?.at ?? null;
  }

  /** Mark-as-read from the town: blue ticks for this and every earlier message of the citizen. */
  markRead(wamid: string, typing: boolean): boolean {
    const row = this.sql.exec<{ wa_id: string; seq: number }>(`SELECT wa_id, seq FROM messages WHERE wamid = ? AND direction = 'in'`, wamid).toArray()[0];
    if (!row) return false;
    this.sql.exec(
      `UPDATE messages SET status = 'read' WHERE wa_id = ? AND direction = 'in' AND seq <= ? AND status = 'delivered'`,
      row.wa_id,
      row.seq,
    );
    if (typing) this.sql.exec(`UPDATE phones SET typing_until = ? WHERE wa_id = ?`, Date.now() + TYPING_MS, row.wa_id);
    return true;
  }

  /** The phone page has shown the town's messages: "read" statuses go out (after "delivered"). */
  async seen(waId: string, origin: string): Promise<number> {
    const unread = this.sql
      .exec<{ wamid: string }>(
        `SELECT wamid FROM messages WHERE wa_id = ? AND direction = 'out' AND status IN ('accepted', 'sent', 'delivered')
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.wamid = messages.wamid AND o.status IN ('read', 'failed'))`,
        waId,
      )
      .toArray();
    const now = Date.now();
    for (const { wamid } of unread) {
      const last = this.sql.exec<{ due: number | null }>(`SELECT max(due_at) AS due FROM outbox WHERE wamid = ?`, wamid).one().due;
      this.enqueueStatus(wamid, "read", Math.max(now + READ_AFTER_MS, (last ?? 0) + 1), origin);
    }
    if (unread.length) await this.scheduleAlarm();
    return unread.length;
  }

  /** Seed data: a chat history that happened before the simulator existed. */
  importChat(waId: string, name: string, messages: ImportedMessage[]): void {
    this.upsertPhone(waId, name);
    for (const m of messages) {
      this.sql.exec(
        `INSERT INTO messages (wa_id, wamid, direction, type, content, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (wamid) DO NOTHING`,
        waId,
        m.wamid,
        m.direction,
        m.type,
        JSON.stringify(m.content),
        m.status,
        m.at,
      );
      if (m.direction === "in") this.noteInbound(waId, toWhatsAppTime(m.at));
    }
  }

  // ---- media ------------------------------------------------------------------------------

  storeMedia(bytes: ArrayBuffer, mimeType: string, fileName: string | null): Promise<StoredMedia> {
    return storeMedia(this.sql, bytes, mimeType, fileName);
  }

  mediaInfo(id: string): StoredMedia | null {
    return mediaInfo(this.sql, id);
  }

  mediaBytes(id: string): { info: StoredMedia; bytes: ArrayBuffer } | null {
    return mediaBytes(this.sql, id);
  }

  // ---- message templates ------------------------------------------------------------------

  /** POST /{waba-id}/message_templates: stored PENDING; the review's webhook follows. Null: name taken. */
  async submitTemplate(draft: TemplateDraft, origin: string): Promise<{ id: string; status: string; category: string } | null> {
    if (findTemplate(this.sql, draft.name, draft.language)) return null;
    const now = Date.now();
    const t: SimTemplate = {
      id: String(1_300_000_000_000_000 + Math.floor(Math.random() * 1e12)),
      name: draft.name,
      language: draft.language,
      category: draft.category,
      components: JSON.parse(JSON.stringify(draft.components)) as SimTemplate["components"],
      status: "PENDING",
      reason: null,
    };
    insertTemplate(this.sql, t, now);
    const verdict = reviewVerdict(draft);
    queueStatusEvent(this.sql, t, verdict ? "REJECTED" : "APPROVED", verdict, now + REVIEW_AFTER_MS, origin);
    await this.scheduleAlarm();
    return { id: t.id, status: t.status, category: t.category };
  }

  /** A submitted template Meta approved (for sends; components as JSON); null if unknown or not approved. */
  approvedTemplate(name: string, language: string): { category: string; componentsJson: string } | null {
    const t = findTemplate(this.sql, name, language);
    return t && t.status === "APPROVED" ? { category: t.category, componentsJson: JSON.stringify(t.components) } : null;
  }

  /** Everything submitted, in Meta's listing shape, as JSON (plain text crosses the RPC boundary cheaply). */
  submittedTemplatesJson(): string {
    const list = this.sql
      .exec<{ name: string; language: string }>(`SELECT name, language FROM sim_templates ORDER BY created_at`)
      .toArray()
      .flatMap((r) => findTemplate(this.sql, r.name, r.language) ?? [])
      .map((t: SimTemplate) => ({ id: t.id, name: t.name, language: t.language, status: t.status, category: t.category, components: t.components }));
    return JSON.stringify(list);
  }

  /** Meta pauses or disables a template (quality), or re-approves it: the webhook follows at once. */
  async setTemplateStatus(name: string, language: string, event: string, reason: string | null, origin: string): Promise<boolean> {
    const t = findTemplate(this.sql, name, language);
    if (!t) return false;
    queueStatusEvent(this.sql, t, event, reason, Date.now(), origin);
    await this.scheduleAlarm();
    return true;
  }

  // ---- status webhooks ----------------------------------------------------------------------

  private enqueueStatus(wamid: string, status: StatusKind, dueAt: number, origin: string, error?: SendFailure): void {
    enqueueStatus(this.sql, { wamid, status, dueAt, origin, error });
  }

  private async scheduleAlarm(): Promise<void> {
    const dues = [nextDue(this.sql), nextTemplateEvent(this.sql)].filter((d): d is number => d !== null);
    if (dues.length === 0) return;
    const next = Math.min(...dues);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(next);
  }

  override async alarm(): Promise<void> {
    await deliverDueStatuses(this.sql, this.env);
    await deliverTemplateEvents(this.sql, this.env);
    await this.scheduleAlarm();
  }

  private logDelivery(kind: string, wamid: string, d: Delivery): void {
    logDelivery(this.sql, kind, wamid, d);
  }

  deliveries(limit = 50): DeliveryLogEntry[] {
    return this.sql
      .exec<{ id: number; at: number; kind: string; wamid: string; http_status: number; response: string }>(
        `SELECT * FROM deliveries ORDER BY id DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, at: r.at, kind: r.kind, wamid: r.wamid, httpStatus: r.http_status, response: r.response }));
  }

  /** Statuses still waiting to go out (for the phone page and tests). */
  pendingStatuses(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox`).one().n;
  }

  // ---- access token -----------------------------------------------------------------------

  /** Meta invalidates tokens (expiry, password change); while this is set every Graph call answers 190. */
  async tokenExpired(): Promise<boolean> {
    return (await this.ctx.storage.get<boolean>(TOKEN_EXPIRED_KEY)) === true;
  }

  async setTokenExpired(expired: boolean): Promise<void> {
    await this.ctx.storage.put(TOKEN_EXPIRED_KEY, expired);
  }

  async reset(): Promise<void> {
    for (const t of ["phones", "messages", "media", "media_chunks", "outbox", "deliveries", "last_inbound", "sim_templates", "template_events"]) this.sql.exec(`DELETE FROM ${t}`);
    await this.ctx.storage.delete(TOKEN_EXPIRED_KEY);
    await this.ctx.storage.deleteAlarm();
  }
}

/** The one simulator instance. */
export function simulator(env: Env): DurableObjectStub<WhatsAppSimulator> {
  return env.SIMULATOR.get(env.SIMULATOR.idFromName("whatsapp"));
}
