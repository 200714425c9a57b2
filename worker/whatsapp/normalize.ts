// Flattens a verified webhook payload into inbound messages and status updates.
// Pure: no I/O, nothing municipal.
import { z } from "zod";
import {
  changeSchema,
  changeValueSchema,
  contactSchema,
  entrySchema,
  inboundMessageCoreSchema,
  inboundMessageSchema,
  statusSchema,
  type ContactPayload,
  type GraphErrorPayload,
  type InboundMessagePayload,
  type StatusPayload,
  type WebhookPayload,
} from "./schemas";

export const KNOWN_MESSAGE_TYPES = [
  "text",
  "image",
  "video",
  "audio",
  "document",
  "sticker",
  "location",
  "contacts",
  "interactive",
  "button",
  "reaction",
  "order",
  "system",
  "unsupported",
] as const;
export type InboundType = (typeof KNOWN_MESSAGE_TYPES)[number];

export const MEDIA_TYPES = ["image", "video", "audio", "document", "sticker"] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export interface InboundMedia {
  waMediaId: string;
  mimeType?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
}

export interface InboundMessage {
  kind: "message";
  phoneNumberId: string;
  wamid: string;
  /** Phone number, when WhatsApp shares it. */
  waId?: string;
  /** Business-scoped user id, when WhatsApp sends one. */
  userId?: string;
  profileName?: string;
  /** Epoch ms of when the citizen sent it. */
  sentAt: number;
  type: InboundType;
  /** The type exactly as Meta named it (differs from `type` only for unknown types). */
  rawType: string;
  /** Human-readable text: body, caption, reply title, location name… */
  text?: string;
  media?: InboundMedia & { mediaType: MediaType };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** Interactive/button reply id, used by keyword and menu handling. */
  replyId?: string;
  /** Message this one answers or reacts to. */
  contextWamid?: string;
  errors?: GraphErrorPayload[];
  payload: Record<string, unknown>;
}

export interface StatusUpdate {
  kind: "status";
  phoneNumberId: string;
  wamid: string;
  status: string;
  /** Epoch ms. */
  at: number;
  recipientWaId?: string;
  recipientUserId?: string;
  callbackData?: string;
  errors?: GraphErrorPayload[];
}

/** Meta's review of a message template, or its new category (fields message_template_status_update, template_category_update). */
export interface TemplateEvent {
  kind: "template";
  field: "message_template_status_update" | "template_category_update";
  name: string;
  language: string;
  /** APPROVED, REJECTED, PAUSED, DISABLED, PENDING … (status updates only). */
  event: string | null;
  /** Meta's reason (e.g. INVALID_FORMAT), null for "NONE". */
  reason: string | null;
  /** The category after a template_category_update. */
  newCategory: string | null;
  /** When Meta says it happened (entry.time, epoch ms); orders events that arrive out of order. */
  at: number;
}

export type WebhookEvent = InboundMessage | StatusUpdate | TemplateEvent;

const templateValueSchema = z.looseObject({
  event: z.string().optional(),
  message_template_name: z.string().min(1),
  message_template_language: z.string().min(2),
  reason: z.string().nullish(),
  new_category: z.string().optional(),
  other_info: z.looseObject({ title: z.string().optional(), description: z.string().optional() }).optional(),
});

/** A part of a verified webhook that could not be read; kept raw for inspection. */
export interface RejectedPart {
  /** Where in the payload, e.g. "entry.0.changes.1.value.messages.2". */
  path: string;
  reason: string;
  raw: unknown;
}

export interface ReadWebhook {
  events: WebhookEvent[];
  rejects: RejectedPart[];
}

const epochMs = (ts: string): number => {
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? n * 1000 : Date.now();
};

function contactFor(
  msg: Pick<InboundMessagePayload, "from" | "from_user_id">,
  contacts: ContactPayload[],
): ContactPayload | undefined {
  return (
    contacts.find((c) => (c.wa_id && c.wa_id === msg.from) || (c.user_id && c.user_id === msg.from_user_id)) ??
    (contacts.length === 1 ? contacts[0] : undefined)
  );
}

function summarise(msg: InboundMessagePayload): Pick<InboundMessage, "text" | "media" | "location" | "replyId" | "contextWamid"> {
  const out: Pick<InboundMessage, "text" | "media" | "location" | "replyId" | "contextWamid"> = {
    contextWamid: msg.context?.id,
  };
  for (const mt of MEDIA_TYPES) {
    const m = msg[mt];
    if (msg.type === mt && m) {
      out.media = {
        mediaType: mt,
        waMediaId: m.id,
        mimeType: m.mime_type,
        sha256: m.sha256,
        caption: m.caption,
        filename: m.filename,
      };
      out.text = m.caption;
    }
  }
  switch (msg.type) {
    case "text":
      out.text = msg.text?.body;
      break;
    case "location":
      if (msg.location) {
        out.location = {
          latitude: msg.location.latitude,
          longitude: msg.location.longitude,
          name: msg.location.name,
          address: msg.location.address,
        };
        out.text = [msg.location.name, msg.location.address].filter(Boolean).join(", ") || undefined;
      }
      break;
    case "interactive": {
      const reply = msg.interactive?.button_reply ?? msg.interactive?.list_reply;
      out.replyId = reply?.id;
      out.text = reply?.title ?? msg.interactive?.nfm_reply?.body;
      break;
    }
    case "button":
      out.replyId = msg.button?.payload;
      out.text = msg.button?.text;
      break;
    case "reaction":
      out.text = msg.reaction?.emoji;
      out.contextWamid = msg.reaction?.message_id;
      break;
    case "contacts":
      out.text = msg.contacts
        ?.map((c) => [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(" "))
        .join("; ");
      break;
    case "order":
      out.text = msg.order?.text;
      break;
    case "system":
      out.text = msg.system?.body;
      break;
  }
  return out;
}

/** Every message and status of a webhook (malformed parts are left out: see readWebhook). */
export function normalizeWebhook(payload: WebhookPayload): WebhookEvent[] {
  return readWebhook(payload).events;
}

function why(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
}

/**
 * Extracts every message and status from every entry and change. Each entry, change, contact,
 * message and status is read on its own: a malformed one becomes a RejectedPart and the rest is
 * kept. A message whose id, timestamp, type and sender are readable but whose content is not is
 * kept as "unsupported" with its original payload (a citizen's message is never dropped), and
 * reported as well.
 */
export function readWebhook(payload: WebhookPayload): ReadWebhook {
  const events: WebhookEvent[] = [];
  const rejects: RejectedPart[] = [];
  const reject = (path: (string | number)[], reason: string, raw: unknown) => rejects.push({ path: path.join("."), reason, raw });
  payload.entry.forEach((rawEntry, ei) => {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) return reject(["entry", ei], why(entry.error), rawEntry);
    entry.data.changes.forEach((rawChange, ci) => {
      const at = ["entry", ei, "changes", ci];
      const change = changeSchema.safeParse(rawChange);
      if (!change.success) return reject(at, why(change.error), rawChange);
      if (change.data.field === "message_template_status_update" || change.data.field === "template_category_update") {
        const t = templateValueSchema.safeParse(change.data.value);
        if (!t.success) return reject([...at, "value"], why(t.error), change.data.value);
        const time = entry.data.time;
        const reason = t.data.reason && t.data.reason !== "NONE" ? t.data.reason : (t.data.other_info?.description ?? t.data.other_info?.title ?? null);
        events.push({
          kind: "template",
          field: change.data.field,
          name: t.data.message_template_name,
          language: t.data.message_template_language,
          event: t.data.event ?? null,
          reason,
          newCategory: t.data.new_category ?? null,
          // Without entry.time (never seen from Meta) the arrival counts.
          at: typeof time === "number" && Number.isFinite(time) && time > 0 ? time * 1000 : Date.now(),
        });
        return;
      }
      // Other fields (account_update, quality updates…) are valid webhooks we do not act on.
      if (change.data.field !== "messages") return;
      const parsed = changeValueSchema.safeParse(change.data.value);
      if (!parsed.success) return reject([...at, "value"], why(parsed.error), change.data.value);
      const value = parsed.data;
      const phoneNumberId = value.metadata.phone_number_id;
      const contacts: ContactPayload[] = [];
      (value.contacts ?? []).forEach((raw, i) => {
        const contact = contactSchema.safeParse(raw);
        if (contact.success) contacts.push(contact.data);
        else reject([...at, "value", "contacts", i], why(contact.error), raw);
      });
      (value.messages ?? []).forEach((raw, i) => {
        const where = [...at, "value", "messages", i];
        const event = messageEvent(phoneNumberId, contacts, raw);
        if (event.reason) reject(where, event.reason, raw);
        if (event.message) events.push(event.message);
      });
      (value.statuses ?? []).forEach((raw, i) => {
        const st = statusSchema.safeParse(raw);
        if (st.success) events.push(statusEvent(phoneNumberId, st.data));
        else reject([...at, "value", "statuses", i], why(st.error), raw);
      });
    });
  });
  return { events, rejects };
}

function messageEvent(
  phoneNumberId: string,
  contacts: ContactPayload[],
  raw: unknown,
): { message?: InboundMessage; reason?: string } {
  const full = inboundMessageSchema.safeParse(raw);
  const core = full.success ? full : inboundMessageCoreSchema.safeParse(raw);
  if (!core.success) return { reason: why(core.error) };
  const msg = core.data;
  const contact = contactFor(msg, contacts);
  const waId = msg.from ?? contact?.wa_id;
  const userId = msg.from_user_id ?? contact?.user_id;
  if (!waId && !userId) return { reason: `message ${msg.id} names no sender (from or from_user_id)` };
  const base = {
    kind: "message" as const,
    phoneNumberId,
    wamid: msg.id,
    waId,
    userId,
    profileName: contact?.profile?.name,
    sentAt: epochMs(msg.timestamp),
    rawType: msg.type,
    payload: msg as Record<string, unknown>,
  };
  if (!full.success) {
    // Readable enough to keep: shown as "unsupported", the original stays in the payload.
    return { message: { ...base, type: "unsupported" }, reason: `stored as unsupported: ${why(full.error)}` };
  }
  const known = (KNOWN_MESSAGE_TYPES as readonly string[]).includes(full.data.type);
  return {
    message: {
      ...base,
      type: known ? (full.data.type as InboundType) : "unsupported",
      ...summarise(full.data),
      errors: full.data.errors,
    },
  };
}

function statusEvent(phoneNumberId: string, st: StatusPayload): StatusUpdate {
  return {
    kind: "status",
    phoneNumberId,
    wamid: st.id,
    status: st.status,
    at: epochMs(st.timestamp),
    recipientWaId: st.recipient_id,
    recipientUserId: st.recipient_user_id,
    callbackData: st.biz_opaque_callback_data,
    errors: st.errors,
  };
}
