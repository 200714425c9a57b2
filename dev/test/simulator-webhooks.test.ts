// The simulator delivers Meta-shaped, correctly signed webhooks that the worker accepts and stores:
// citizens' messages from the phone page, and status webhooks for the town's sends.
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../../worker/db/client";
import { signedWebhookRequest } from "../deliver";
import type { Env } from "../env";
import { simulator } from "../simulator";
import { deliverDueStatuses, enqueueStatus } from "../simulator-outbox";
import { inboundPayload } from "../webhook-payloads";
import { fetchInboundMedia, r2KeyFor } from "../../worker/media/fetch-inbound";
import { verifySignature, webhookSchema } from "../../worker/whatsapp";
import { env, asCitizen, dev, ORIGIN, simClient, useSimulator } from "./helpers";

beforeEach(useSimulator);
afterEach(() => vi.restoreAllMocks());

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 9, 8, 7]);

type Sent = { message: { wamid: string; status: string; content: Record<string, unknown> }; delivery: { status: number; body: string } };

const messageRow = (wamid: string) =>
  env.DB.prepare(
    "SELECT m.*, c.wa_id, c.name FROM messages m JOIN citizens c ON c.id = m.citizen_id WHERE m.wamid = ?",
  )
    .bind(wamid)
    .first<{ type: string; text: string | null; payload: string; direction: string; wa_id: string; name: string; media_id: string | null }>();

describe("citizen → worker: signed inbound webhooks", () => {
  it("signs Meta's bytes: non-ASCII escaped as \\uXXXX, HMAC over exactly those bytes", async () => {
    const payload = inboundPayload(
      { wabaId: "102290129340398", phoneNumberId: "106540352242922", displayPhoneNumber: "4312345678" },
      { wamid: "wamid.test1", waId: "436641110010", profileName: "Jürgen Öller", sentAt: 1_750_000_000_000, content: { type: "text", text: { body: "Straße gesperrt? 🚧" } } },
    );
    expect(webhookSchema.safeParse(payload).success).toBe(true);
    const { init } = await signedWebhookRequest(env, ORIGIN, payload);
    const raw = init.body as Uint8Array<ArrayBuffer>;
    const text = new TextDecoder().decode(raw);
    expect(text).toContain("J\\u00fcrgen \\u00d6ller");
    expect(text).toContain("\\ud83d\\udea7");
    expect(/[^\x20-\x7e]/.test(text)).toBe(false);
    const header = (init.headers as Record<string, string>)["x-hub-signature-256"];
    expect(await verifySignature(raw, header, "test-app-secret")).toBe(true);
    expect(await verifySignature(new TextEncoder().encode(JSON.stringify(payload)), header, "test-app-secret")).toBe(false);
  });

  it("a text from the phone is accepted (200) and stored with the profile name", async () => {
    const res = await asCitizen("436641110011", { name: "Eva Berger", message: { type: "text", text: "Grüß Gott, wann ist der Bauhof offen? 🙂" } });
    expect(res.status).toBe(201);
    const out = await res.json<Sent>();
    expect(out.delivery.status).toBe(200);
    expect(JSON.parse(out.delivery.body)).toMatchObject({ ok: true, stored: 1 });
    expect(out.message.status).toBe("delivered");
    const row = await messageRow(out.message.wamid);
    expect(row).toMatchObject({ direction: "in", type: "text", text: "Grüß Gott, wann ist der Bauhof offen? 🙂", wa_id: "436641110011", name: "Eva Berger" });
  });

  it("a location is stored with its coordinates", async () => {
    const res = await asCitizen("436641110012", {
      name: "Karl Auer",
      message: { type: "location", latitude: 47.07092, longitude: 15.44178, name: "Stadtpark", address: "Stadtpark 1" },
    });
    const out = await res.json<Sent>();
    const row = await messageRow(out.message.wamid);
    expect(row?.type).toBe("location");
    expect(JSON.parse(row!.payload)).toMatchObject({ location: { latitude: 47.07092, longitude: 15.44178, name: "Stadtpark", address: "Stadtpark 1" } });
  });

  it("tapping a button or a list row sends the interactive reply with the context of the town's message", async () => {
    const wa = { waId: "436641110013" };
    const buttons = await simClient().sendInteractiveButtons(wa, { body: "Ist das Problem behoben?", buttons: [{ id: "fixed_yes", title: "Ja" }, { id: "fixed_no", title: "Nein" }] });
    const tap = await asCitizen(wa.waId, { name: "Paula Frank", contextWamid: buttons.wamid, message: { type: "button_reply", id: "fixed_no", title: "Nein" } });
    const tapped = await messageRow((await tap.json<Sent>()).message.wamid);
    expect(tapped?.type).toBe("interactive");
    expect(tapped?.text).toBe("Nein");
    expect(JSON.parse(tapped!.payload)).toMatchObject({ replyId: "fixed_no", contextWamid: buttons.wamid });

    const list = await simClient().sendInteractiveList(wa, { body: "Welche Kanäle?", button: "Auswählen", sections: [{ rows: [{ id: "ch_freibad", title: "Freibad" }] }] });
    const pick = await asCitizen(wa.waId, { name: "Paula Frank", contextWamid: list.wamid, message: { type: "list_reply", id: "ch_freibad", title: "Freibad" } });
    const picked = await messageRow((await pick.json<Sent>()).message.wamid);
    expect(JSON.parse(picked!.payload)).toMatchObject({ replyId: "ch_freibad", contextWamid: list.wamid, rawType: "interactive" });
  });

  it("a photo arrives as an image message whose media the worker fetches through the fake Graph API into R2", async () => {
    const form = new FormData();
    form.append("file", new Blob([PNG.slice()], { type: "image/png" }), "schaden.png");
    form.append("caption", "Beschmierte Bank");
    form.append("name", "Eva Berger");
    const res = await dev("/__dev/api/phones/436641110014/photo", { method: "POST", body: form });
    expect(res.status).toBe(201);
    const out = await res.json<Sent>();
    expect(out.delivery.status).toBe(200);
    const row = await messageRow(out.message.wamid);
    expect(row).toMatchObject({ type: "image", text: "Beschmierte Bank" });
    const simMediaId = (out.message.content.image as { id: string }).id;
    const media = await env.DB.prepare("SELECT * FROM media WHERE id = ?").bind(row!.media_id).first<{ wa_media_id: string }>();
    expect(media?.wa_media_id).toBe(simMediaId);

    await fetchInboundMedia({ db: getDb(env.DB), bucket: env.MEDIA, whatsapp: simClient() }, row!.media_id!);
    const stored = await env.DB.prepare("SELECT status, sha256, size, mime_type FROM media WHERE id = ?").bind(row!.media_id).first<{ status: string; sha256: string; size: number; mime_type: string }>();
    expect(stored).toMatchObject({ status: "stored", size: PNG.byteLength, mime_type: "image/png" });
    const obj = await env.MEDIA.get(r2KeyFor(stored!.sha256));
    expect(new Uint8Array(await obj!.arrayBuffer())).toEqual(PNG);
  });

  it("refuses bad input from the phone page with 4xx and a German message", async () => {
    const cases: [string, RequestInit, number][] = [
      ["/__dev/api/phones/12ab/messages", { method: "POST", body: JSON.stringify({ name: "X", message: { type: "text", text: "Hi" } }) }, 400],
      ["/__dev/api/phones/436641110015/messages", { method: "POST", body: "{kaputt" }, 400],
      ["/__dev/api/phones/436641110015/messages", { method: "POST", body: JSON.stringify({ name: "X", message: { type: "text", text: "   " } }) }, 400],
      ["/__dev/api/phones/436641110015/messages", { method: "POST", body: JSON.stringify({ name: "", message: { type: "text", text: "Hi" } }) }, 400],
      ["/__dev/api/phones/436641110015/messages", { method: "POST", body: JSON.stringify({ name: "X", message: { type: "location", latitude: 123, longitude: 0 } }) }, 400],
      ["/__dev/api/phones/436641110015/messages", { method: "POST", body: JSON.stringify({ name: "X", message: { type: "video" } }) }, 400],
      ["/__dev/api/phones/436641110015/photo", { method: "POST", body: new FormData() }, 400],
      ["/__dev/api/phones/436641110015/messages", { method: "POST", headers: { origin: "https://evil.example" }, body: "{}" }, 403],
      ["/__dev/api/media/999999", {}, 404],
    ];
    for (const [path, init, status] of cases) {
      const json: Record<string, string> = typeof init.body === "string" ? { "content-type": "application/json" } : {};
      const res = await dev(path, { ...init, headers: { ...json, ...(init.headers as Record<string, string>) } });
      expect(res.status, `${path} ${String(init.body)}`).toBe(status);
      const body = await res.json<{ error: { code: string; message: string } }>();
      expect(body.error.message).toBeTruthy();
    }
    const text = new FormData();
    text.append("file", new Blob(["hallo"], { type: "text/plain" }), "a.txt");
    text.append("name", "X");
    expect((await dev("/__dev/api/phones/436641110015/photo", { method: "POST", body: text })).status).toBe(415);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM messages").first<{ n: number }>()).toEqual({ n: 0 });
  });
});

describe("town → citizen: status webhooks", () => {
  /** A citizen who wrote in, and an outbound message row the way the inbox records a send. */
  async function outboundRow(waId: string): Promise<{ id: string }> {
    await asCitizen(waId, { name: "Eva Berger", message: { type: "text", text: "Hallo" } });
    const conv = await env.DB.prepare("SELECT c.id, c.citizen_id FROM conversations c JOIN citizens z ON z.id = c.citizen_id WHERE z.wa_id = ?")
      .bind(waId)
      .first<{ id: string; citizen_id: string }>();
    const id = `out_${waId}`;
    await env.DB.prepare("INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, status, sent_at) VALUES (?, ?, ?, 'out', 'text', 'Antwort', 'pending', ?)")
      .bind(id, conv!.id, conv!.citizen_id, Date.now())
      .run();
    return { id };
  }
  const statusOf = async (id: string) =>
    env.DB.prepare("SELECT status, wamid, error_code FROM messages WHERE id = ?").bind(id).first<{ status: string; wamid: string | null; error_code: number | null }>();

  it("delivers sent then delivered, matched by the echoed biz_opaque_callback_data; read once the phone has shown it", async () => {
    const { id } = await outboundRow("436641110020");
    const { wamid } = await simClient().sendText({ waId: "436641110020" }, "Der Bauhof hat bis 16 Uhr offen.", { callbackData: `m:${id}` });
    await vi.waitFor(async () => expect((await statusOf(id))?.status).toBe("delivered"), { timeout: 8000, interval: 100 });
    expect((await statusOf(id))?.wamid).toBe(wamid);

    const log = await simulator(env).deliveries();
    const kinds = log.filter((d) => d.wamid === wamid).map((d) => [d.kind, d.httpStatus, JSON.parse(d.response).statuses]);
    expect(kinds.reverse()).toEqual([
      ["status:sent", 200, 1],
      ["status:delivered", 200, 1],
    ]);

    const seen = await dev("/__dev/api/phones/436641110020/seen", { method: "POST" });
    expect(await seen.json()).toEqual({ read: 1 });
    await vi.waitFor(async () => expect((await statusOf(id))?.status).toBe("read"), { timeout: 8000, interval: 100 });
    const chat = await simulator(env).chat("436641110020");
    expect(chat.messages.find((m) => m.wamid === wamid)?.status).toBe("read");
  });

  it("fails a send with an unknown media id asynchronously with 131053, as Meta does", async () => {
    const { id } = await outboundRow("436641110021");
    await simClient().sendImage({ waId: "436641110021" }, { id: "987654321" }, undefined, { callbackData: `m:${id}` });
    await vi.waitFor(async () => expect((await statusOf(id))?.status).toBe("failed"), { timeout: 8000, interval: 100 });
    expect((await statusOf(id))?.error_code).toBe(131053);
  });

  it("fails free text to a simulated citizen whose last message is older than 24 hours (131047); templates still go", async () => {
    await simulator(env).importChat("436641110022", "Otto Lang", [
      { wamid: "wamid.old1", direction: "in", type: "text", content: { type: "text", text: { body: "Alt" } }, status: "read", at: Date.now() - 30 * 3600_000 },
    ]);
    const text = await simClient().sendText({ waId: "436641110022" }, "Zu spät");
    const template = await simClient().sendTemplate({ waId: "436641110022" }, { name: "rueckfrage", language: "de" });
    await vi.waitFor(async () => {
      const chat = await simulator(env).chat("436641110022");
      expect(chat.messages.find((m) => m.wamid === text.wamid)?.status).toBe("failed");
      expect(chat.messages.find((m) => m.wamid === template.wamid)?.status).toBe("delivered");
    }, { timeout: 8000, interval: 100 });
    const failed = (await simulator(env).chat("436641110022")).messages.find((m) => m.wamid === text.wamid);
    expect(failed?.error).toBe("Re-engagement message");
  });

  it("retries a status the webhook refuses, with backoff, and keeps that message's later statuses behind it", async () => {
    const stub = simulator(env);
    await runInDurableObject(stub, async (instance, state) => {
      const sql = state.storage.sql;
      instance.importChat("436641110023", "Otto Lang", [
        { wamid: "wamid.retry1", direction: "out", type: "text", content: { type: "text", text: { body: "Hallo" } }, status: "accepted", at: Date.now() },
      ]);
      enqueueStatus(sql, { wamid: "wamid.retry1", status: "sent", dueAt: 0, origin: ORIGIN });
      enqueueStatus(sql, { wamid: "wamid.retry1", status: "delivered", dueAt: 1, origin: ORIGIN });
      // Signed with another secret: the worker answers 401, as it would to a forged webhook.
      await deliverDueStatuses(sql, { ...env, WHATSAPP_APP_SECRET: "not-the-app-secret" } as Env);
      const rows = sql
        .exec<{ status: string; attempts: number; due_at: number }>(`SELECT status, attempts, due_at FROM outbox WHERE wamid = 'wamid.retry1' ORDER BY due_at, id`)
        .toArray();
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ["sent", 1],
        ["delivered", 0],
      ]);
      expect(rows[0]!.due_at).toBeGreaterThan(Date.now());
      expect(rows[1]!.due_at).toBeGreaterThanOrEqual(rows[0]!.due_at);

      // Once the webhook takes it, both go out in order and the phone shows "delivered".
      sql.exec(`UPDATE outbox SET due_at = 0 WHERE wamid = 'wamid.retry1'`);
      await deliverDueStatuses(sql, env);
      expect(sql.exec(`SELECT count(*) AS n FROM outbox`).one().n).toBe(0);
    });
    const log = (await stub.deliveries()).reverse().map((d) => [d.kind, d.httpStatus]);
    expect(log).toEqual([
      ["status:sent", 401],
      ["status:sent", 200],
      ["status:delivered", 200],
    ]);
    expect((await stub.chat("436641110023")).messages[0]?.status).toBe("delivered");
  });
});
