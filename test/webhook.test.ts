import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signBody } from "../worker/whatsapp/signature";
import { count } from "./helpers/db";
import { envelope, messageValue, metaJson, postWebhook, textMessage, wamid } from "./helpers/meta";


describe("GET /webhooks/whatsapp (verification handshake)", () => {
  const verify = (q: string) => exports.default.fetch(`https://townwire.test/webhooks/whatsapp?${q}`);

  it("echoes the challenge as plain text for the right token", async () => {
    const res = await verify("hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("1158201444");
  });

  it("refuses a wrong token with 403", async () => {
    const res = await verify("hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden" } });
  });

  it("refuses a request that is not a subscribe handshake with 400", async () => {
    const res = await verify("hub.verify_token=test-verify-token");
    expect(res.status).toBe(400);
  });
});

describe("POST /webhooks/whatsapp: signature", () => {
  it("rejects a missing signature with 401 and stores nothing", async () => {
    const res = await postWebhook(textMessage("Hallo"), { signature: null });
    expect(res.status).toBe(401);
    expect(await count("messages")).toBe(0);
  });

  it("rejects a signature made with another secret", async () => {
    const res = await postWebhook(textMessage("Hallo"), { secret: "not-the-secret" });
    expect(res.status).toBe(401);
    expect(await count("citizens")).toBe(0);
  });

  it("rejects a signature computed over a different body", async () => {
    const signedFor = metaJson(textMessage("Original"));
    const res = await postWebhook(metaJson(textMessage("Manipuliert")), { signature: await signBody(signedFor, "test-app-secret") });
    expect(res.status).toBe(401);
    expect(await count("messages")).toBe(0);
  });

  it("rejects a malformed signature header", async () => {
    for (const signature of ["sha256=", "sha1=abc", "sha256=zz", "garbage"]) {
      const res = await postWebhook(textMessage("Hallo"), { signature });
      expect(res.status).toBe(401);
    }
  });

  it("checks the raw bytes: Meta's \\u-escaped unicode verifies, a re-serialised body would not", async () => {
    const payload = textMessage("Grüß Gott, die Straßenlaterne in der Hauptstraße ist kaputt 💡");
    const raw = metaJson(payload);
    expect(raw).toContain("\\u00fc"); // escaped as Meta does
    const res = await postWebhook(raw);
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT text FROM messages").first<{ text: string }>();
    expect(row?.text).toBe("Grüß Gott, die Straßenlaterne in der Hauptstraße ist kaputt 💡");
  });
});

describe("POST /webhooks/whatsapp: bad input", () => {
  it("answers truncated JSON with 400 and a clear error", async () => {
    const raw = metaJson(textMessage("Hallo")).slice(0, 40);
    const res = await postWebhook(raw);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: "invalid_json", message: "Der Inhalt ist kein gültiges JSON." } });
  });

  it("answers a payload of the wrong object type with 400", async () => {
    const res = await postWebhook({ object: "page", entry: [{ id: "1", changes: [] }] });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string; details: { problem: string } } }>();
    expect(body.error.code).toBe("not_a_whatsapp_webhook");
    expect(body.error.details.problem).toContain("whatsapp_business_account");
  });

  // A malformed part inside a WhatsApp webhook is kept aside and answered 200 (webhook-rejects.test.ts).
  it("keeps a messages change without metadata aside and answers 200", async () => {
    const res = await postWebhook(envelope({ messaging_product: "whatsapp", messages: [] }));
    expect(res.status).toBe(200);
    expect(await env.DB.prepare("SELECT reason FROM webhook_rejects").first("reason")).toContain("metadata");
  });

  it("keeps a message without any sender id aside and answers 200", async () => {
    const res = await postWebhook(envelope(messageValue({ type: "text", text: { body: "x" } }, { omitFrom: true })));
    expect(res.status).toBe(200);
    expect(await count("messages")).toBe(0);
    expect(await count("webhook_rejects")).toBe(1);
  });

  it("answers a body over the limit with 413", async () => {
    const big = metaJson(textMessage("x".repeat(600 * 1024)));
    const res = await postWebhook(big);
    expect(res.status).toBe(413);
    expect(await count("messages")).toBe(0);
  });

  it("accepts other webhook fields (e.g. account_update) without storing anything", async () => {
    const res = await postWebhook({
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "account_update", value: { event: "VERIFIED_ACCOUNT" } }] }],
    });
    expect(res.status).toBe(200);
    expect(await count("messages")).toBe(0);
  });
});

describe("POST /webhooks/whatsapp: storing messages", () => {
  it("stores a text message with citizen, conversation and 24-hour window", async () => {
    const sent = new Date("2026-11-28T08:00:00Z");
    const res = await postWebhook(textMessage("Wann hat das Freibad offen?", { timestamp: String(sent.getTime() / 1000) }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 1, duplicates: 0 });
    const citizen = await env.DB.prepare("SELECT * FROM citizens").first<Record<string, unknown>>();
    expect(citizen).toMatchObject({ wa_id: "436641234567", name: "Maria Huber", last_inbound_at: sent.getTime() });
    const conv = await env.DB.prepare("SELECT * FROM conversations").first<Record<string, unknown>>();
    expect(conv).toMatchObject({ status: "open", unread_count: 1, last_message_preview: "Wann hat das Freibad offen?" });
    const msg = await env.DB.prepare("SELECT * FROM messages").first<Record<string, unknown>>();
    expect(msg).toMatchObject({ direction: "in", type: "text", status: "received", conversation_id: conv?.id });
  });

  it("is idempotent: a redelivered wamid is a no-op", async () => {
    const payload = textMessage("Doppelt?", { id: wamid() });
    expect((await postWebhook(payload)).status).toBe(200);
    const again = await postWebhook(payload);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count("messages")).toBe(1);
    const conv = await env.DB.prepare("SELECT unread_count FROM conversations").first<{ unread_count: number }>();
    expect(conv?.unread_count).toBe(1);
  });

  it("keeps one open conversation per citizen and opens a new one after it was resolved", async () => {
    await postWebhook(textMessage("eins"));
    await postWebhook(textMessage("zwei"));
    expect(await count("conversations")).toBe(1);
    await env.DB.prepare("UPDATE conversations SET status = 'resolved'").run();
    await postWebhook(textMessage("drei"));
    expect(await count("conversations")).toBe(2);
    expect(await count("citizens")).toBe(1);
  });

  it("handles several entries, changes and messages in one payload", async () => {
    const a = messageValue({ type: "text", text: { body: "A" } }, { from: "436601111111", name: "Anna" });
    const b = messageValue({ type: "text", text: { body: "B" } }, { from: "436602222222", name: "Bernd" });
    b.messages.push({ from: "436602222222", id: wamid(), timestamp: b.messages[0]!.timestamp as string, type: "text", text: { body: "B2" } });
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        { id: "1", changes: [{ field: "messages", value: a }] },
        { id: "2", changes: [{ field: "messages", value: b }] },
      ],
    };
    const res = await postWebhook(payload);
    expect(await res.json()).toMatchObject({ stored: 3 });
    expect(await count("citizens")).toBe(2);
    const names = await env.DB.prepare("SELECT name FROM citizens ORDER BY name").all<{ name: string }>();
    expect(names.results.map((r) => r.name)).toEqual(["Anna", "Bernd"]);
  });

  it("identifies citizens by user id when the phone number is missing, and links both", async () => {
    const userId = "AT.13491208655302741918";
    await postWebhook(textMessage("nur mit Nummer", { from: "436603333333" }));
    await postWebhook(textMessage("mit beidem", { from: "436603333333", userId }));
    await postWebhook(textMessage("nur user id", { userId, omitFrom: true }));
    expect(await count("citizens")).toBe(1);
    const c = await env.DB.prepare("SELECT wa_id, user_id FROM citizens").first();
    expect(c).toEqual({ wa_id: "436603333333", user_id: userId });
    expect(await count("messages")).toBe(3);
    expect(await count("conversations")).toBe(1);
  });

  it("stores a citizen known only by user id", async () => {
    const res = await postWebhook(textMessage("Hallo", { userId: "AT.999", omitFrom: true }));
    expect(res.status).toBe(200);
    expect(await env.DB.prepare("SELECT wa_id, user_id FROM citizens").first()).toEqual({ wa_id: null, user_id: "AT.999" });
  });

  it("a redelivery after the conversation was resolved is still a no-op (no empty conversation)", async () => {
    const payload = textMessage("Spät nochmal zugestellt", { id: wamid() });
    await postWebhook(payload);
    await env.DB.prepare("UPDATE conversations SET status = 'resolved'").run();
    const again = await postWebhook(payload);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await count("conversations")).toBe(1);
    expect(await count("messages")).toBe(1);
  });

  it("is atomic: when the message insert fails, no citizen or conversation is left behind, and Meta gets a 500 to retry", async () => {
    await env.DB.prepare("CREATE TRIGGER fail_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END").run();
    try {
      const res = await postWebhook(textMessage("Hallo"));
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ error: { code: "internal", message: expect.stringMatching(/^Etwas ist schiefgegangen\./) } });
      expect(await count("citizens")).toBe(0);
      expect(await count("conversations")).toBe(0);
    } finally {
      await env.DB.prepare("DROP TRIGGER fail_messages").run();
    }
    expect((await postWebhook(textMessage("Hallo"))).status).toBe(200);
    expect(await count("messages")).toBe(1);
  });
});

