// What a citizen's side looks like to the Worker: the test configuration, Meta-style signed
// webhooks, and the simulator's phones and fake Graph API.
import { createHmac } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

export const E2E_ENV = {
  DEV_SIMULATOR: "true",
  WHATSAPP_VERIFY_TOKEN: "e2e-verify-token",
  WHATSAPP_APP_SECRET: "e2e-app-secret",
  WHATSAPP_ACCESS_TOKEN: "e2e-access-token",
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  WHATSAPP_BUSINESS_ACCOUNT_ID: "102290129340398",
  WHATSAPP_DISPLAY_NUMBER: "436641234567",
  ADMIN_EMAIL: "admin@gemeinde.test",
  ADMIN_PASSWORD: "e2e-admin-password",
  WIDGET_ALLOWED_ORIGINS: "http://127.0.0.1:9",
  BROADCAST_RATE_PER_SECOND: "80",
};

export type E2EEnv = typeof E2E_ENV & { WHATSAPP_API_BASE: string };

/** One WhatsApp message as Meta delivers it (only what the tests set). */
export interface InboundMessage {
  id: string;
  type: string;
  from?: string;
  timestamp?: string;
  [field: string]: unknown;
}

export interface WebhookPayload {
  object: string;
  entry: { id: string; changes: { field: string; value: { messages?: InboundMessage[]; [field: string]: unknown } }[] }[];
}

/** Meta escapes non-ASCII as \uXXXX; the signature covers exactly those bytes. */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export async function signedWebhook(baseUrl: string, payload: WebhookPayload, env: E2EEnv): Promise<{ stored?: number }> {
  const raw = metaJson(payload);
  const sig = createHmac("sha256", env.WHATSAPP_APP_SECRET).update(raw).digest("hex");
  const res = await fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sig}` },
    body: raw,
  });
  if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  const answer = (await res.json()) as { stored?: number };
  // Meta knows every message it delivered: tell the simulator, so its 24-hour window counts from it.
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      for (const m of change.value.messages ?? []) {
        if (!m.from || !m.timestamp) continue;
        await fetch(`${baseUrl}/__dev/api/phones/${m.from}/inbound`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ timestamp: Number(m.timestamp) }),
        }).catch(() => undefined);
      }
    }
  }
  return answer;
}

/** A Meta-shaped webhook with one message from `waId` (timestamp now unless `message` sets one). */
export function messageWebhook(waId: string, name: string, message: InboundMessage): WebhookPayload {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "436641234567", phone_number_id: "106540352242922" },
      contacts: [{ profile: { name }, wa_id: waId }],
      messages: [{ from: waId, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
    } }] }],
  };
}

/** A text message with a fresh wamid (`prefix` tells the tests' messages apart in logs). */
export function textMessage(text: string, prefix = "e2e"): InboundMessage {
  return { id: `wamid.${prefix}${Date.now()}${Math.random().toString(36).slice(2, 8)}`, type: "text", text: { body: text } };
}

/** A message on a simulated phone, as GET /__dev/api/phones/:waId/messages lists it. */
export interface PhoneMessage {
  direction: "in" | "out";
  type: string;
  content?: unknown;
  [field: string]: unknown;
}

/** Everything on the simulated phone of `waId`. */
export async function phoneMessages(baseUrl: string, waId: string): Promise<PhoneMessage[]> {
  const res = await fetch(`${baseUrl}/__dev/api/phones/${waId}/messages`);
  const data = (await res.json()) as PhoneMessage[] | { messages?: PhoneMessage[] };
  return Array.isArray(data) ? data : (data.messages ?? []);
}

/** Puts a PNG into the fake Graph API, as if the citizen's phone had uploaded it to WhatsApp; returns the media id. */
export async function uploadToFakeGraph(env: E2EEnv, png: Buffer, filename: string): Promise<string> {
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", "image/png");
  form.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), filename);
  const res = await fetch(`${env.WHATSAPP_API_BASE}/${env.WHATSAPP_PHONE_NUMBER_ID}/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.WHATSAPP_ACCESS_TOKEN}` },
    body: form,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake Graph media upload: ${res.status} ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

/** An RGB PNG of w × h pixels, coloured by `colorAt(x, y) → [r, g, b]` (test photos without files). */
export function pngOf(w: number, h: number, colorAt: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const [r, g, b] = colorAt(x, y);
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
