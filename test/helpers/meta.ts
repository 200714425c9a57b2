// Meta-shaped webhook payloads (as documented for the Cloud API) and Meta-style signing.
import { exports } from "cloudflare:workers";
import { signBody } from "../../worker/whatsapp/signature";
import { noteWebhookMessages } from "./fake-window";

export const APP_SECRET = "test-app-secret";
export const PHONE_NUMBER_ID = "106540352242922";
export const WABA_ID = "102290129340398";

let seq = 0;
export const wamid = () => `wamid.HBgLNDM2NjQxMjM0NTY3FQIAEhggQ0QxRjY${(++seq).toString().padStart(6, "0")}${Math.random().toString(36).slice(2, 8)}`;
export const ts = (date = new Date()) => String(Math.floor(date.getTime() / 1000));

export interface MessageOpts {
  from?: string;
  userId?: string;
  name?: string;
  id?: string;
  timestamp?: string;
  omitFrom?: boolean;
}

/** A `messages` change value as Meta sends it for one message. */
export function messageValue(message: Record<string, unknown>, o: MessageOpts = {}) {
  const from = o.from ?? "436641234567";
  const contact: Record<string, unknown> = { profile: { name: o.name ?? "Maria Huber" } };
  if (!o.omitFrom) contact.wa_id = from;
  if (o.userId) contact.user_id = o.userId;
  const msg: Record<string, unknown> = {
    ...(o.omitFrom ? {} : { from }),
    ...(o.userId ? { from_user_id: o.userId } : {}),
    id: o.id ?? wamid(),
    timestamp: o.timestamp ?? ts(),
    ...message,
  };
  return {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "43 664 1234567", phone_number_id: PHONE_NUMBER_ID },
    contacts: [contact],
    messages: [msg],
  };
}

export function statusValue(statuses: Record<string, unknown>[]) {
  return {
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "43 664 1234567", phone_number_id: PHONE_NUMBER_ID },
    statuses,
  };
}

export function envelope(...values: unknown[]) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: WABA_ID, changes: values.map((value) => ({ value, field: "messages" })) }],
  };
}

export const textMessage = (body: string, o: MessageOpts = {}) =>
  envelope(messageValue({ type: "text", text: { body } }, o));

/** Meta escapes non-ASCII as \uXXXX and the signature covers exactly those bytes. */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export async function postWebhook(
  body: string | unknown,
  o: { signature?: string | null; secret?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const raw = typeof body === "string" ? body : metaJson(body);
  // Meta delivered these messages, so it knows the citizen wrote (the fake Graph's window).
  try {
    noteWebhookMessages(typeof body === "string" ? JSON.parse(body) : body);
  } catch {
    // Not JSON: a test of a malformed webhook.
  }
  const signature = o.signature === undefined ? await signBody(raw, o.secret ?? APP_SECRET) : o.signature;
  const headers: Record<string, string> = { "content-type": "application/json", ...o.headers };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return exports.default.fetch(new Request("https://townwire.test/webhooks/whatsapp", { method: "POST", headers, body: raw }));
}
