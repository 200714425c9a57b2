// Builds webhook bodies exactly as Meta sends them to the Cloud API webhook, and Meta's byte encoding.
// Pure: no I/O. Shapes follow Meta's documented examples for the `messages` field.

/** Where the simulated WhatsApp Business account and number live. */
export interface BusinessIdentity {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** What a citizen's phone can send (the part of `messages[]` after from/id/timestamp/type). */
export type CitizenContent =
  | { type: "text"; text: { body: string } }
  | { type: "image"; image: { id: string; mime_type: string; sha256: string; caption?: string } }
  | { type: "location"; location: { latitude: number; longitude: number; name?: string; address?: string } }
  | { type: "interactive"; interactive: { type: "button_reply"; button_reply: { id: string; title: string } } }
  /** A tap on a template's quick-reply button (Meta sends type "button", not "interactive"). */
  | { type: "button"; button: { payload: string; text: string } }
  | {
      type: "interactive";
      interactive: { type: "list_reply"; list_reply: { id: string; title: string; description?: string } };
    };

export interface InboundSpec {
  wamid: string;
  waId: string;
  profileName: string;
  /** Epoch ms when the citizen sent it. */
  sentAt: number;
  content: CitizenContent;
  /** The town's message this one answers (interactive replies carry it, as at Meta). */
  contextWamid?: string;
}

export type StatusKind = "sent" | "delivered" | "read" | "failed";

export interface StatusSpec {
  wamid: string;
  status: StatusKind;
  recipientWaId: string;
  at: number;
  callbackData?: string | null;
  /** Meta's conversation id for the 24-hour window this message is billed in. */
  conversationId: string;
  /** Template messages are billed by category; free-form replies are "service". */
  category: "service" | "utility" | "marketing" | "authentication";
  error?: { code: number; title: string; details: string };
}

const unixSeconds = (ms: number) => String(Math.floor(ms / 1000));

function envelope(biz: BusinessIdentity, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: biz.wabaId,
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: biz.displayPhoneNumber, phone_number_id: biz.phoneNumberId },
              ...value,
            },
            field: "messages",
          },
        ],
      },
    ],
  };
}

export function inboundPayload(biz: BusinessIdentity, m: InboundSpec) {
  return envelope(biz, {
    contacts: [{ profile: { name: m.profileName }, wa_id: m.waId }],
    messages: [
      {
        ...(m.contextWamid ? { context: { from: biz.displayPhoneNumber, id: m.contextWamid } } : {}),
        from: m.waId,
        id: m.wamid,
        timestamp: unixSeconds(m.sentAt),
        ...m.content,
      },
    ],
  });
}

export function statusPayload(biz: BusinessIdentity, s: StatusSpec) {
  const billing =
    s.status === "failed" || s.status === "read"
      ? {}
      : {
          conversation: {
            id: s.conversationId,
            ...(s.status === "sent" ? { expiration_timestamp: unixSeconds(s.at + 24 * 3600_000) } : {}),
            origin: { type: s.category },
          },
          pricing: {
            billable: s.category !== "service",
            pricing_model: "PMP",
            category: s.category,
            type: s.category === "service" ? "free_customer_service" : "regular",
          },
        };
  return envelope(biz, {
    statuses: [
      {
        id: s.wamid,
        status: s.status,
        timestamp: unixSeconds(s.at),
        recipient_id: s.recipientWaId,
        ...(s.callbackData ? { biz_opaque_callback_data: s.callbackData } : {}),
        ...billing,
        ...(s.error
          ? {
              errors: [
                {
                  code: s.error.code,
                  title: s.error.title,
                  message: s.error.title,
                  error_data: { details: s.error.details },
                  href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                },
              ],
            }
          : {}),
      },
    ],
  });
}

/**
 * The bytes Meta puts on the wire: JSON with every non-ASCII character escaped as \uXXXX
 * (emoji as surrogate pairs). The signature covers exactly these bytes.
 */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A fresh message id in Meta's format (base64 of a binary blob, prefixed "wamid."). */
export function newWamid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(30));
  return `wamid.${btoa(String.fromCharCode(...bytes)).replace(/=+$/, "")}`;
}
