// The single source of truth for tables. Times are epoch milliseconds (UTC) everywhere.
import { sql } from "drizzle-orm";
import { CONSENT_ACTIONS, CONSENT_SOURCES } from "../shared/wire-types";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** A person who wrote to, or subscribed at, the town's WhatsApp number. */
export const citizens = sqliteTable(
  "citizens",
  {
    id: text("id").primaryKey(),
    /** Phone number as WhatsApp gives it (no +). Null once erased or when only a user id is known. */
    waId: text("wa_id"),
    /** WhatsApp's business-scoped user id (BSUID); newer payloads may carry only this. */
    userId: text("user_id"),
    name: text("name"),
    locale: text("locale").notNull().default("de"),
    /** Last message from the citizen: opens the 24-hour customer-service window. */
    lastInboundAt: integer("last_inbound_at"),
    /** One-way hash of the number after an erasure, so a later opt-in starts fresh. */
    erasedHash: text("erased_hash"),
    erasedAt: integer("erased_at"),
    /** WhatsApp time (ms) of the newest "leave everything" (STOP, erasure): older opt-ins lose to it. */
    consentAllAt: integer("consent_all_at"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("citizens_wa_id_uq").on(t.waId),
    uniqueIndex("citizens_user_id_uq").on(t.userId),
    index("citizens_name_idx").on(t.name),
  ],
);

/** A topic citizens can opt into ("Newsletter", "Freibad", …). */
export const channels = sqliteTable(
  "channels",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Short word citizens can send to toggle this channel. */
    keyword: text("keyword"),
    defaultOn: integer("default_on", { mode: "boolean" }).notNull().default(false),
    position: integer("position").notNull().default(0),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    /** Broadcasts to public channels only are published in the feeds and on /anzeige (docs/public-feeds-and-open311.md). */
    public: integer("public", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("channels_keyword_uq").on(t.keyword)],
);

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    citizenId: text("citizen_id")
      .notNull()
      .references(() => citizens.id),
    channelId: text("channel_id")
      .notNull()
      .references(() => channels.id),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** WhatsApp time (ms) of the consent action that set `active`: an older action never overrides it. */
    consentAt: integer("consent_at").notNull().default(0),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    primaryKey({ columns: [t.citizenId, t.channelId] }),
    index("subscriptions_channel_active_idx").on(t.channelId, t.active),
  ],
);

/** Append-only proof of every opt-in and opt-out (GDPR). Never updated, never deleted. */
export const consentEvents = sqliteTable(
  "consent_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    citizenId: text("citizen_id").notNull(),
    channelId: text("channel_id"),
    action: text("action", {
      enum: CONSENT_ACTIONS,
    }).notNull(),
    source: text("source", {
      enum: CONSENT_SOURCES,
    }).notNull(),
    /** The inbound message (wamid) that caused it, when a citizen's message did. */
    messageWamid: text("message_wamid"),
    staffId: text("staff_id"),
    /** When the citizen (or staff) acted: the WhatsApp timestamp; null on events logged before it was kept. */
    actedAt: integer("acted_at"),
    /** Staff re-subscribing someone after STOP: why (the citizen's new request, in staff's words). */
    reason: text("reason"),
    /** True when a newer action had already decided this channel: logged, not applied. */
    superseded: integer("superseded", { mode: "boolean" }).notNull().default(false),
    /** When it was recorded. */
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("consent_events_citizen_idx").on(t.citizenId, t.id)],
);

/**
 * Erased identities (PBKDF2 hash of a phone number or user id) with the time of the erasure: an inbound
 * message sent before that time (a late or redelivered webhook) is dropped instead of recreating the person.
 */
export const erasureTombstones = sqliteTable(
  "erasure_tombstones",
  {
    identityHash: text("identity_hash").primaryKey(),
    erasedAt: integer("erased_at").notNull(),
  },
  (t) => [index("erasure_tombstones_erased_at_idx").on(t.erasedAt)],
);

/** Codes the widget puts into the prefilled WhatsApp text, naming the chosen channels. */
export const signupCodes = sqliteTable("signup_codes", {
  code: text("code").primaryKey(),
  channelIds: text("channel_ids", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer("created_at").notNull().default(now),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
});

export const staff = sqliteTable(
  "staff",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["admin", "editor", "agent"] }).notNull(),
    passwordHash: text("password_hash").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    /** Own WhatsApp number for test-sends of broadcasts. */
    phone: text("phone"),
    /** Two-factor sign-in (docs/trust.md): the TOTP secret once enabled, the one being set up, and the last time step used (no replay). */
    totpSecret: text("totp_secret"),
    totpPendingSecret: text("totp_pending_secret"),
    totpLastCounter: integer("totp_last_counter"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("staff_email_uq").on(t.email)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the opaque cookie token; the token itself is never stored. */
    tokenHash: text("token_hash").primaryKey(),
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id),
    createdAt: integer("created_at").notNull().default(now),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull().default(now),
    /** Signed in with a passkey (counts as two factors, docs/trust.md). */
    viaPasskey: integer("via_passkey", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("sessions_staff_idx").on(t.staffId)],
);

/** Passkeys (WebAuthn) of staff members: the public key only; the private key never leaves the device. */
export const staffPasskeys = sqliteTable(
  "staff_passkeys",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    /** The authenticator's signature counter (0 for most passkeys, which do not count). */
    counter: integer("counter").notNull().default(0),
    /** JSON array of transports ("internal", "hybrid", "usb", …). */
    transports: text("transports", { mode: "json" }).$type<string[]>(),
    /** The name the person gave it ("Laptop Büro"). */
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull().default(now),
    lastUsedAt: integer("last_used_at"),
  },
  (t) => [index("staff_passkeys_staff_idx").on(t.staffId)],
);

/** WebAuthn challenges: short-lived and used once (deleted by the verification that reads them). */
export const webauthnChallenges = sqliteTable("webauthn_challenges", {
  challenge: text("challenge").primaryKey(),
  purpose: text("purpose", { enum: ["register", "login"] }).notNull(),
  /** Who registers (null for a sign-in, where the passkey names the person). */
  staffId: text("staff_id"),
  expiresAt: integer("expires_at").notNull(),
});

/** One-time recovery codes for two-factor sign-in: only their SHA-256 is kept. */
export const staffRecoveryCodes = sqliteTable(
  "staff_recovery_codes",
  {
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id),
    codeHash: text("code_hash").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [primaryKey({ columns: [t.staffId, t.codeHash] })],
);

/** The audit trail: append-only (triggers refuse UPDATE, and DELETE of rows younger than the retention). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    /** Staff id; null for a failed sign-in of an unknown address. */
    actorId: text("actor_id"),
    /** Name (or the e-mail typed at sign-in) as it was then. */
    actorName: text("actor_name"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    /** Small JSON detail: never message bodies. */
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    ip: text("ip"),
  },
  (t) => [index("audit_log_actor_idx").on(t.actorId, t.id), index("audit_log_action_idx").on(t.action, t.id), index("audit_log_at_idx").on(t.at)],
);

/** Staff sign-in counters (auth/login-limits.ts); public endpoints use the Rate Limiting binding. */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStart: integer("window_start").notNull(),
});

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    citizenId: text("citizen_id")
      .notNull()
      .references(() => citizens.id),
    status: text("status", { enum: ["open", "resolved"] }).notNull().default("open"),
    assigneeId: text("assignee_id"),
    claimedAt: integer("claimed_at"),
    unreadCount: integer("unread_count").notNull().default(0),
    lastMessageAt: integer("last_message_at").notNull().default(now),
    lastMessagePreview: text("last_message_preview"),
    resolvedAt: integer("resolved_at"),
    /** Incident report: set when staff mark the conversation as one. */
    reportCategory: text("report_category"),
    reportStatus: text("report_status", { enum: ["neu", "in_bearbeitung", "erledigt"] }),
    reportLatitude: real("report_latitude"),
    reportLongitude: real("report_longitude"),
    reportAddress: text("report_address"),
    reportUpdatedAt: integer("report_updated_at"),
    /** When staff first marked it a report (Open311 requested_datetime). */
    reportCreatedAt: integer("report_created_at"),
    /** Staff-written summary for the public (Open311 description); never the citizen's own words. */
    reportPublicSummary: text("report_public_summary"),
    /** Set when this report was merged into another one (a duplicate); it is then closed. */
    reportMergedInto: text("report_merged_into"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [
    index("conversations_citizen_status_idx").on(t.citizenId, t.status),
    index("conversations_status_activity_idx").on(t.status, t.lastMessageAt),
    index("conversations_assignee_idx").on(t.assigneeId, t.status, t.lastMessageAt),
    index("conversations_report_idx").on(t.reportStatus),
    // Duplicate suggestions look for open reports of a category inside a small box.
    index("conversations_report_place_idx").on(t.reportCategory, t.reportLatitude),
  ],
);

/** `unconfirmed`: sent, but WhatsApp's answer was lost; waiting for its status webhook (docs/delivery-guarantees.md). */
export const MESSAGE_STATUSES = ["received", "scheduled", "cancelled", "pending", "unconfirmed", "sent", "delivered", "read", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id),
    citizenId: text("citizen_id")
      .notNull()
      .references(() => citizens.id),
    direction: text("direction", { enum: ["in", "out", "note"] }).notNull(),
    /** WhatsApp message id; unique so a redelivered webhook is a no-op. */
    wamid: text("wamid"),
    /** text, image, video, audio, document, sticker, location, contacts, interactive, button,
     *  reaction, order, system, template, note, unsupported */
    type: text("type").notNull(),
    text: text("text"),
    /** The structured content of the message (location, contacts, reply ids, template…). */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>(),
    mediaId: text("media_id"),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    errorCode: integer("error_code"),
    errorTitle: text("error_title"),
    staffId: text("staff_id"),
    /** When WhatsApp says the citizen sent it (inbound) or we created it (outbound). */
    sentAt: integer("sent_at").notNull(),
    createdAt: integer("created_at").notNull().default(now),
    statusUpdatedAt: integer("status_updated_at"),
    /** Set once background handling (keywords, menus) has run, so a redelivered job is a no-op. */
    processedAt: integer("processed_at"),
  },
  (t) => [
    uniqueIndex("messages_wamid_uq").on(t.wamid),
    index("messages_conversation_idx").on(t.conversationId, t.createdAt),
    index("messages_citizen_idx").on(t.citizenId),
    // The cron re-enqueues inbound messages whose background job was lost.
    index("messages_unprocessed_idx").on(t.createdAt).where(sql`processed_at IS NULL AND direction = 'in'`),
    // The cron looks for outbound messages whose send was never confirmed.
    index("messages_unsettled_idx").on(t.createdAt).where(sql`status IN ('pending', 'unconfirmed') AND direction = 'out'`),
    // Erasure asks whether a staff photo is still used in another conversation.
    index("messages_media_idx").on(t.mediaId).where(sql`media_id IS NOT NULL`),
  ],
);

/** Photos and other files, stored in R2 keyed by content hash. */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    /** Media id at WhatsApp (inbound media), to fetch it from the Graph API. */
    waMediaId: text("wa_media_id"),
    status: text("status", { enum: ["pending", "stored", "failed", "deleted"] }).notNull(),
    r2Key: text("r2_key"),
    sha256: text("sha256"),
    mimeType: text("mime_type"),
    size: integer("size"),
    fileName: text("file_name"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    /** Who this belongs to, for retention and erasure. */
    citizenId: text("citizen_id"),
    uploadedBy: text("uploaded_by"),
    createdAt: integer("created_at").notNull().default(now),
    storedAt: integer("stored_at"),
  },
  (t) => [
    index("media_status_idx").on(t.status, t.createdAt),
    index("media_citizen_idx").on(t.citizenId),
    index("media_wa_media_idx").on(t.waMediaId),
  ],
);

/**
 * R2 objects to delete (media rows already marked deleted). Removed once the object is gone or another
 * live row uses the same content; the cron sweeper retries whatever is left, so nothing is orphaned.
 */
export const mediaDeletions = sqliteTable("media_deletions", {
  r2Key: text("r2_key").primaryKey(),
  queuedAt: integer("queued_at").notNull(),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
});

export const templates = sqliteTable(
  "templates",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    language: text("language").notNull(),
    category: text("category").notNull().default("UTILITY"),
    status: text("status").notNull().default("APPROVED"),
    /** Body text with {{1}}… placeholders, for preview. */
    body: text("body").notNull().default(""),
    parameterCount: integer("parameter_count").notNull().default(0),
    components: text("components", { mode: "json" }).$type<unknown[]>(),
    source: text("source", { enum: ["graph", "manual"] }).notNull().default("manual"),
    syncedAt: integer("synced_at"),
    /** Meta's reason when REJECTED (or PAUSED/DISABLED). */
    rejectedReason: text("rejected_reason"),
    /** Time of the newest status event applied (webhook timestamp, ms): older events never override it. */
    statusAt: integer("status_at"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("templates_name_language_uq").on(t.name, t.language)],
);

export const broadcasts = sqliteTable(
  "broadcasts",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    kind: text("kind", { enum: ["newsletter", "alert", "reminder"] }).notNull(),
    text: text("text").notNull().default(""),
    mediaId: text("media_id"),
    /** {name, language, parameters[]} when sent as an approved template. */
    template: text("template", { mode: "json" }).$type<{
      name: string;
      language: string;
      parameters: string[];
    }>(),
    channelIds: text("channel_ids", { mode: "json" }).$type<string[]>().notNull(),
    /** auto | template | teaser: who gets the content and who the template (see broadcasts/delivery.ts). */
    delivery: text("delivery", { enum: ["auto", "template", "teaser"] }).notNull().default("auto"),
    status: text("status", {
      enum: ["draft", "scheduled", "sending", "paused", "done", "cancelled"],
    }).notNull(),
    sendAt: integer("send_at"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    recipientCount: integer("recipient_count").notNull().default(0),
    /** The photo uploaded to WhatsApp once per broadcast (media ids there live 30 days). */
    waMediaId: text("wa_media_id"),
    waMediaUploadedAt: integer("wa_media_uploaded_at"),
    createdBy: text("created_by"),
    /** Four eyes (docs/trust.md): null = not asked; an edit resets it to null. */
    approvalState: text("approval_state", { enum: ["pending", "approved", "rejected"] }),
    approvalRequestedBy: text("approval_requested_by"),
    approvalRequestedAt: integer("approval_requested_at"),
    /** Who approved or rejected, when, and the reason of a rejection. */
    approvalBy: text("approval_by"),
    approvalAt: integer("approval_at"),
    approvalReason: text("approval_reason"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("broadcasts_status_send_at_idx").on(t.status, t.sendAt), index("broadcasts_approval_idx").on(t.approvalState)],
);

export const RECIPIENT_STATUSES = [
  "queued",
  "sending",
  /** Sent, but WhatsApp's answer was lost: waiting for its status webhook before sending again. */
  "unconfirmed",
  "sent",
  "delivered",
  "read",
  "failed",
  "deferred",
  /** Not sent on purpose: unsubscribed or erased after the broadcast started, or cancelled. */
  "skipped",
] as const;

/** One row per broadcast × citizen: the primary key is what makes a send happen at most once. */
export const broadcastRecipients = sqliteTable(
  "broadcast_recipients",
  {
    broadcastId: text("broadcast_id")
      .notNull()
      .references(() => broadcasts.id),
    citizenId: text("citizen_id")
      .notNull()
      .references(() => citizens.id),
    status: text("status", { enum: RECIPIENT_STATUSES }).notNull().default("queued"),
    wamid: text("wamid"),
    attempts: integer("attempts").notNull().default(0),
    errorCode: integer("error_code"),
    errorReason: text("error_reason"),
    sendingSince: integer("sending_since"),
    sentAt: integer("sent_at"),
    deliveredAt: integer("delivered_at"),
    readAt: integer("read_at"),
    failedAt: integer("failed_at"),
    /** What the last send was: the content as free-form, or the template. */
    via: text("via", { enum: ["content", "template"] }),
    /** When a 131047 made this recipient fall back to the template (at most once). */
    fallbackAt: integer("fallback_at"),
    /** Teaser: when the citizen tapped "Weiterlesen" (the content is sent once). */
    openedAt: integer("opened_at"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    primaryKey({ columns: [t.broadcastId, t.citizenId] }),
    index("broadcast_recipients_status_idx").on(t.broadcastId, t.status),
    index("broadcast_recipients_wamid_idx").on(t.wamid),
  ],
);

/** Queue messages that kept failing, kept so staff can see them. */
export const deadLetters = sqliteTable("dead_letters", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  queue: text("queue").notNull(),
  body: text("body", { mode: "json" }).$type<unknown>(),
  createdAt: integer("created_at").notNull().default(now),
});

/** Parts of signed webhooks that could not be read (kept raw for admins; the rest was stored). */
export const webhookRejects = sqliteTable(
  "webhook_rejects",
  {
    /** SHA-256 of path and raw part: a redelivered webhook adds no second row. */
    id: text("id").primaryKey(),
    /** Where in the payload, e.g. "entry.0.changes.1.value.messages.2". */
    path: text("path").notNull(),
    reason: text("reason").notNull(),
    /** The raw JSON of the part (cut at 8 KB). */
    raw: text("raw").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("webhook_rejects_created_idx").on(t.createdAt)],
);

/** Alerts for admins (e.g. the access token expired). */
export const adminAlerts = sqliteTable(
  "admin_alerts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    message: text("message").notNull(),
    createdAt: integer("created_at").notNull().default(now),
    acknowledgedAt: integer("acknowledged_at"),
  },
  (t) => [index("admin_alerts_open_idx").on(t.acknowledgedAt)],
);

/** Small key/value settings editable by admins (e.g. the messaging tier). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** A channel's calendar (waste collection or events), as uploaded or fetched from a URL (docs/calendars.md). */
export const channelCalendars = sqliteTable("channel_calendars", {
  channelId: text("channel_id")
    .primaryKey()
    .references(() => channels.id),
  kind: text("kind", { enum: ["waste", "events"] }).notNull(),
  /** The last ICS text that parsed (uploaded, or fetched from `url`). */
  ics: text("ics").notNull(),
  url: text("url"),
  leadMinutes: integer("lead_minutes").notNull(),
  templateName: text("template_name"),
  templateLanguage: text("template_language"),
  /** Last time the occurrences were expanded (daily; a URL calendar is fetched again then). */
  refreshedAt: integer("refreshed_at").notNull(),
  /** Last refresh attempt, successful or not. */
  attemptedAt: integer("attempted_at").notNull(),
  /** German description of the last failed fetch or reminder; null once things work again. */
  error: text("error"),
  errorAt: integer("error_at"),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** The expanded occurrences of a channel calendar (replaced on every refresh). */
export const calendarEvents = sqliteTable(
  "calendar_events",
  {
    channelId: text("channel_id").notNull(),
    uid: text("uid").notNull(),
    start: integer("start").notNull(),
    allDay: integer("all_day", { mode: "boolean" }).notNull(),
    /** Vienna calendar day "2026-12-02". */
    day: text("day").notNull(),
    remindAt: integer("remind_at").notNull(),
    summary: text("summary").notNull(),
    location: text("location").notNull().default(""),
    description: text("description").notNull().default(""),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.uid, t.start] }), index("calendar_events_remind_idx").on(t.remindAt)],
);

/** One row per channel and day that was reminded of (or skipped): the key that makes a reminder go out once. */
export const calendarReminders = sqliteTable(
  "calendar_reminders",
  {
    channelId: text("channel_id").notNull(),
    day: text("day").notNull(),
    remindAt: integer("remind_at").notNull(),
    status: text("status", { enum: ["sent", "skipped"] }).notNull(),
    broadcastId: text("broadcast_id"),
    summary: text("summary").notNull(),
    reason: text("reason"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.day] })],
);

/** Street → district channel, from the town's street list (CSV), for "MÜLL Bahnstraße". */
export const calendarStreets = sqliteTable("calendar_streets", {
  /** The street name folded (case, umlauts, "str." → "strasse"), for matching. */
  key: text("key").primaryKey(),
  street: text("street").notNull(),
  channelId: text("channel_id")
    .notNull()
    .references(() => channels.id),
});

/** Textbausteine: shared answers staff insert into a reply ("/" in the reply box); {{name}}, {{datum}}, {{sachbearbeiter}}. */
export const snippets = sqliteTable(
  "snippets",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("snippets_title_uq").on(t.title)],
);

/** Web Push (docs/staff-app.md): one row per browser/device a staff member turned notifications on in. */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    staffId: text("staff_id")
      .notNull()
      .references(() => staff.id),
    /** The push service's URL for this browser (https only); unique: a browser re-subscribing updates its row. */
    endpoint: text("endpoint").notNull(),
    /** The browser's keys for RFC 8291 encryption (base64url). */
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    /** A short label of the browser ("Chrome auf Android"), for the staff member's own list. */
    label: text("label"),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint_uq").on(t.endpoint), index("push_subscriptions_staff_idx").on(t.staffId)],
);

/** Which events a staff member wants as push notifications (no row: the defaults in worker/push/store.ts). */
export const pushSettings = sqliteTable("push_settings", {
  staffId: text("staff_id")
    .primaryKey()
    .references(() => staff.id),
  /** "Mir zugewiesen": a conversation or report assigned to them by someone else. */
  assigned: integer("assigned", { mode: "boolean" }).notNull().default(true),
  /** "Neue Meldung": a new incident report. */
  newReports: integer("new_reports", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at").notNull().default(now),
});
