// Helpers for browser tests: the worker's test configuration and Meta-style signed webhooks.
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

/** Meta escapes non-ASCII as \uXXXX; the signature covers exactly those bytes. */
export function metaJson(payload) {
  return JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export async function signedWebhook(baseUrl, payload, env = E2E_ENV) {
  const raw = metaJson(payload);
  const sig = createHmac("sha256", env.WHATSAPP_APP_SECRET).update(raw).digest("hex");
  const res = await fetch(`${baseUrl}/webhooks/whatsapp`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${sig}` },
    body: raw,
  });
  if (!res.ok) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  const answer = await res.json();
  // Meta knows every message it delivered: tell the simulator, so its 24-hour window counts from it.
  for (const entry of payload.entry ?? []) {
    for (const change of entry.changes ?? []) {
      for (const m of change.value?.messages ?? []) {
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

export const TIMEOUT = 15_000;

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Retries `fn` until it returns something truthy (or the timeout passes). */
export async function poll(what, fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last?.message ?? JSON.stringify(last)})`);
}

/** Logs in through the API; returns headers for further calls (cookie + Origin). */
export async function apiLogin(base, email, password) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { cookie, origin: base };
}

/** A Meta-shaped webhook with one message from `waId` (timestamp now unless `message` sets one). */
export function messageWebhook(waId, name, message) {
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
export function textMessage(text, prefix = "e2e") {
  return { id: `wamid.${prefix}${Date.now()}${Math.random().toString(36).slice(2, 8)}`, type: "text", text: { body: text } };
}

/** An RGB PNG of w × h pixels, coloured by `colorAt(x, y) → [r, g, b]` (test photos without files). */
export function pngOf(w, h, colorAt) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      [raw[o], raw[o + 1], raw[o + 2]] = colorAt(x, y);
    }
  }
  const chunk = (type, data) => {
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
