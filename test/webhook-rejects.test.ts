// One malformed part of a webhook must not fail the whole delivery: the rest is stored, the part
// is kept raw for admins, Meta gets 200. 400 only for bodies that are not a WhatsApp webhook.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { secretsEqual } from "../worker/whatsapp/signature";
import { api, loginAs } from "./helpers/auth";
import { count } from "./helpers/db";
import { envelope, messageValue, PHONE_NUMBER_ID, postWebhook, statusValue, WABA_ID, wamid, ts } from "./helpers/meta";

const metadata = { display_phone_number: "43 664 1234567", phone_number_id: PHONE_NUMBER_ID };

interface RejectRow {
  path: string;
  reason: string;
  raw: string;
}
const rejects = async () =>
  (await env.DB.prepare("SELECT path, reason, raw FROM webhook_rejects ORDER BY path").all<RejectRow>()).results;

describe("POST /webhooks/whatsapp: a malformed part does not fail the delivery", () => {
  it("stores the valid messages and statuses, keeps each malformed entry, change, message and status raw, answers 200", async () => {
    const good = messageValue({ type: "text", text: { body: "Die Straßenlampe ist kaputt" } }, { from: "436641230001" });
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        "not an entry",
        {
          id: WABA_ID,
          changes: [
            { value: { ...good, messages: [...good.messages, { timestamp: ts(), type: "text", text: { body: "ohne id" } }] }, field: "messages" },
            { field: "messages", value: { messaging_product: "whatsapp", messages: [] } },
            { field: 42 },
            { field: "messages", value: statusValue([{ id: "wamid.x", timestamp: ts() }, { id: wamid(), status: "delivered", timestamp: ts(), recipient_id: "436641230001" }]) },
          ],
        },
        { id: WABA_ID, changes: "nope" },
      ],
    };
    const res = await postWebhook(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 1, rejected: 6 });
    expect(await env.DB.prepare("SELECT text FROM messages").first("text")).toBe("Die Straßenlampe ist kaputt");

    const rows = await rejects();
    expect(rows.map((r) => r.path)).toEqual([
      "entry.0",
      "entry.1.changes.0.value.messages.1",
      "entry.1.changes.1.value",
      "entry.1.changes.2",
      "entry.1.changes.3.value.statuses.0",
      "entry.2",
    ]);
    expect(rows.find((r) => r.path === "entry.1.changes.0.value.messages.1")?.raw).toContain("ohne id");
    expect(rows.find((r) => r.path === "entry.1.changes.1.value")?.reason).toContain("metadata");
    expect(rows.find((r) => r.path === "entry.1.changes.3.value.statuses.0")?.reason).toContain("status");

    // Meta redelivers the same body: nothing is stored twice.
    expect((await postWebhook(payload)).status).toBe(200);
    expect(await count("webhook_rejects")).toBe(6);
    expect(await count("messages")).toBe(1);
  });

  it("keeps a citizen's message whose content cannot be read as 'unsupported', with the original", async () => {
    const broken = messageValue({ type: "image", image: "kein Objekt" }, { from: "436641230002", id: "wamid.broken" });
    const res = await postWebhook(envelope(broken));
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT type, payload FROM messages WHERE wamid = 'wamid.broken'").first<{ type: string; payload: string }>();
    expect(row?.type).toBe("unsupported");
    expect(row?.payload).toContain("kein Objekt");
    expect((await rejects())[0]?.reason).toContain("stored as unsupported");
  });

  it("a contact that cannot be read is kept aside; the message still finds its sender", async () => {
    const value = { ...messageValue({ type: "text", text: { body: "Hallo" } }, { from: "436641230003" }), contacts: [{ wa_id: 5 }] };
    expect((await postWebhook(envelope(value))).status).toBe(200);
    expect(await count("messages")).toBe(1);
    expect((await rejects()).map((r) => r.path)).toEqual(["entry.0.changes.0.value.contacts.0"]);
  });

  it("a flood of broken parts is kept to a bounded number of rows", async () => {
    const value = { messaging_product: "whatsapp", metadata, messages: Array.from({ length: 120 }, (_, i) => ({ broken: i })) };
    const res = await postWebhook(envelope(value));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rejected: 120 });
    expect(await count("webhook_rejects")).toBe(51);
  });

  it("answers 400 only when the body is not a WhatsApp webhook at all", async () => {
    for (const body of ["[]", "null", "42", '"text"', JSON.stringify({ object: "page", entry: [] }), JSON.stringify({ object: "whatsapp_business_account" }), JSON.stringify({ object: "whatsapp_business_account", entry: {} })]) {
      const res = await postWebhook(body);
      expect(res.status, body).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("not_a_whatsapp_webhook");
    }
    expect((await postWebhook("{not json")).status).toBe(400);
    expect((await postWebhook({ object: "whatsapp_business_account", entry: [] })).status).toBe(200);
    expect(await count("webhook_rejects")).toBe(0);
  });

  it("still answers 401 for a bad signature, before reading anything", async () => {
    expect((await postWebhook({ object: "page" }, { secret: "wrong" })).status).toBe(401);
  });

  it("never answers 5xx to a mangled webhook (fuzz)", async () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = [null, 0, -1, 1e308, "", "x".repeat(300), [], {}, [1, "a"], { id: 1 }, true];
    const mutate = (node: unknown, depth: number): unknown => {
      if (Array.isArray(node)) return node.map((v) => mutate(v, depth + 1));
      if (node && typeof node === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(node)) {
          const r = rand(10);
          if (r === 0) continue; // drop the key
          out[k] = r === 1 ? junk[rand(junk.length)] : mutate(v, depth + 1);
        }
        return out;
      }
      return node;
    };
    const base = envelope(
      messageValue({ type: "text", text: { body: "ANMELDEN" } }),
      messageValue({ type: "image", image: { id: "m1", mime_type: "image/jpeg" } }),
      messageValue({ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "tw:on:ch_x", title: "X" } } }),
      statusValue([{ id: wamid(), status: "read", timestamp: ts(), recipient_id: "436641234567" }]),
    );
    for (let i = 0; i < 60; i++) {
      const res = await postWebhook(mutate(base, 0));
      expect(res.status, `iteration ${i}`).toBeLessThan(500);
    }
  }, 120_000);
});

describe("GET /api/webhook-rejects", () => {
  it("lists the kept parts for admins only, newest first, with a cursor", async () => {
    for (let i = 0; i < 3; i++) await postWebhook(envelope({ messaging_product: "whatsapp", broken: i }));
    const admin = await loginAs("admin");
    const editor = await loginAs("editor");
    expect((await api("/api/webhook-rejects", { as: editor })).status).toBe(403);
    expect((await api("/api/webhook-rejects")).status).toBe(401);
    const first = await (await api("/api/webhook-rejects?limit=2", { as: admin })).json<{ rejects: RejectRow[]; nextCursor: string | null }>();
    expect(first.rejects).toHaveLength(2);
    expect(first.rejects[0]?.raw).toContain('"broken":2');
    const rest = await (await api(`/api/webhook-rejects?limit=2&cursor=${first.nextCursor ?? ""}`, { as: admin })).json<{ rejects: RejectRow[]; nextCursor: string | null }>();
    expect(rest.rejects.map((r) => r.raw)).toEqual([expect.stringContaining('"broken":0')]);
    expect(rest.nextCursor).toBeNull();
    expect((await api("/api/webhook-rejects?cursor=x", { as: admin })).status).toBe(400);
  });
});

describe("GET /webhooks/whatsapp: the verify token", () => {
  const verify = (token: string) =>
    exports.default.fetch(`https://townwire.test/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=77&hub.verify_token=${encodeURIComponent(token)}`);

  it("accepts exactly the configured token (compared in constant time)", async () => {
    expect((await verify("test-verify-token")).status).toBe(200);
    for (const wrong of ["", "test-verify-toke", "test-verify-token ", "TEST-VERIFY-TOKEN", "test-verify-token-and-more"]) {
      expect((await verify(wrong)).status, wrong).toBe(403);
    }
    expect((await exports.default.fetch("https://townwire.test/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1")).status).toBe(403);
  });

  it("secretsEqual compares values of any length", async () => {
    expect(await secretsEqual("abc", "abc")).toBe(true);
    expect(await secretsEqual("abc", "abd")).toBe(false);
    expect(await secretsEqual("ab", "abc")).toBe(false);
    expect(await secretsEqual("", "")).toBe(true);
    expect(await secretsEqual("ä", "a")).toBe(false);
  });
});

