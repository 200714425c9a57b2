import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { activeSubscriberIds } from "../worker/citizens/subscriptions";
import { dayInVienna, RETENTION_MARKER, runDailyCleanup } from "../worker/citizens/retention";
import { createSignupCode } from "../worker/citizens/signup-codes";
import { getConfig } from "../worker/env";
import worker from "../worker/index";
import { fetchInboundMedia, r2KeyFor } from "../worker/media/fetch-inbound";
import { clientFromConfig } from "../worker/whatsapp";
import { api, loginAs, type Session } from "./helpers/auth";
import { citizenIdOf, consentRows, db, incoming, incomingText, runInboundJob, seedChannels } from "./helpers/citizens";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { envelope, messageValue } from "./helpers/meta";

const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
const NUMBER = "436645550100";
const DAY = 24 * 3600 * 1000;

let graph: FakeGraph;
beforeEach(async () => {
  graph = installFakeGraph();
  await seedChannels();
});
afterEach(() => graph.restore());

/** A citizen with a widget sign-up, a question, a photo (in R2) and a staff note. */
async function citizenWithHistory(from = NUMBER, waMediaId = "wa-photo-1") {
  const { code } = await createSignupCode(db(), ["ch_freibad"]);
  await runInboundJob(await incomingText(`ANMELDEN ${code}`, { from, name: "Maria Huber", id: `wamid.${from}.1` }));
  await runInboundJob(await incomingText("Die Bank beim Spielplatz ist kaputt", { from, id: `wamid.${from}.2` }));
  graph.addMedia(waMediaId, PHOTO);
  const [photoMessage] = await incoming(
    envelope(messageValue({ type: "image", image: { id: waMediaId, mime_type: "image/jpeg", caption: "Hier das Foto" } }, { from, id: `wamid.${from}.3` })),
  );
  const mediaRow = await env.DB.prepare("SELECT m.id FROM media m JOIN messages msg ON msg.media_id = m.id WHERE msg.id = ?")
    .bind(photoMessage)
    .first<{ id: string }>();
  const outcome = await fetchInboundMedia({ db: db(), bucket: env.MEDIA, whatsapp: clientFromConfig(getConfig(env)) }, mediaRow?.id ?? "");
  expect(outcome.result).toBe("stored");
  const citizenId = await citizenIdOf(from);
  const conv = await env.DB.prepare("SELECT id FROM conversations WHERE citizen_id = ?").bind(citizenId).first<{ id: string }>();
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, citizen_id, direction, type, text, status, sent_at) VALUES (?, ?, ?, 'note', 'note', 'Frau Huber ruft morgen an', 'sent', ?)",
  )
    .bind(`note-${from}`, conv?.id, citizenId, Date.now())
    .run();
  return { citizenId, mediaId: mediaRow?.id ?? "", r2Key: outcome.result === "stored" ? outcome.r2Key : "" };
}

describe("export", () => {
  let editor: Session;
  beforeEach(async () => {
    editor = await loginAs("editor");
  });

  it("returns everything stored about the citizen as a JSON download", async () => {
    const { citizenId, mediaId } = await citizenWithHistory();
    const res = await api(`/api/subscribers/${citizenId}/export`, { as: editor });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="townwire-export-.+\.json"$/);
    const data = await res.json<{
      format: string;
      citizen: { id: string; waId: string; name: string };
      subscriptions: { channelId: string; active: boolean }[];
      consentEvents: { action: string; source: string; messageWamid: string }[];
      conversations: { id: string; messages: { direction: string; text: string | null }[] }[];
      files: { id: string; mimeType: string; size: number; url: string | null }[];
      broadcastsReceived: unknown[];
    }>();
    expect(data.format).toBe("townwire-citizen-export/1");
    expect(data.citizen).toMatchObject({ id: citizenId, waId: NUMBER, name: "Maria Huber" });
    expect(data.subscriptions).toMatchObject([{ channelId: "ch_freibad", active: true }]);
    expect(data.consentEvents).toMatchObject([{ action: "subscribe", source: "widget_code", messageWamid: `wamid.${NUMBER}.1` }]);
    const texts = data.conversations.flatMap((c) => c.messages.map((m) => m.text));
    expect(texts).toContain("Die Bank beim Spielplatz ist kaputt");
    expect(texts).toContain("Hier das Foto");
    expect(texts).toContain("Frau Huber ruft morgen an");
    expect(texts.some((t) => t?.includes("angemeldet"))).toBe(true); // the bot's reply
    expect(data.files).toMatchObject([{ id: mediaId, mimeType: "image/jpeg", size: PHOTO.byteLength, url: `/api/media/${mediaId}` }]);
    expect(data.broadcastsReceived).toEqual([]);
  });

  it("needs an editor; 404 for an unknown citizen", async () => {
    const agent = await loginAs("agent");
    const { citizenId } = await citizenWithHistory();
    expect((await api(`/api/subscribers/${citizenId}/export`, { as: agent })).status).toBe(403);
    expect((await api(`/api/subscribers/nope/export`, { as: editor })).status).toBe(404);
  });
});

describe("erase", () => {
  let admin: Session;
  beforeEach(async () => {
    admin = await loginAs("admin");
  });
  const erase = (id: string, as: Session = admin, body: unknown = { confirm: true }) =>
    api(`/api/subscribers/${id}/erase`, { as, body });

  it("deletes texts and files, hashes the number, ends subscriptions and keeps anonymised consent", async () => {
    const { citizenId, mediaId, r2Key } = await citizenWithHistory();
    expect(await env.MEDIA.get(r2Key)).not.toBeNull();

    const res = await erase(citizenId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { citizenId, messagesCleared: 5, filesDeleted: 1, subscriptionsEnded: 1 } });

    const citizen = await env.DB.prepare("SELECT * FROM citizens WHERE id = ?").bind(citizenId).first<Record<string, unknown>>();
    expect(citizen).toMatchObject({ wa_id: null, user_id: null, name: null });
    expect(citizen?.erased_hash).toMatch(/^pbkdf2-sha256:[0-9a-f]{64}$/);
    expect(String(citizen?.erased_hash)).not.toContain(NUMBER);
    expect(citizen?.erased_at).toBeTypeOf("number");

    const leftovers = await env.DB.prepare(
      "SELECT count(*) AS n FROM messages WHERE citizen_id = ? AND (text IS NOT NULL OR payload IS NOT NULL OR wamid IS NOT NULL)",
    )
      .bind(citizenId)
      .first<{ n: number }>();
    expect(leftovers?.n).toBe(0);
    expect(await count("messages", `citizen_id = '${citizenId}'`)).toBe(5); // rows stay, so the conversation shows what happened
    expect(await env.MEDIA.get(r2Key)).toBeNull();
    expect(await env.DB.prepare("SELECT status, r2_key, wa_media_id FROM media WHERE id = ?").bind(mediaId).first()).toEqual({
      status: "deleted",
      r2_key: null,
      wa_media_id: null,
    });
    expect(await env.DB.prepare("SELECT last_message_preview FROM conversations WHERE citizen_id = ?").bind(citizenId).first()).toEqual({
      last_message_preview: null,
    });

    expect(await activeSubscriberIds(db(), ["ch_freibad"])).toEqual([]);
    const consent = await consentRows(citizenId);
    expect(consent.map((e) => [e.channel_id, e.action, e.source])).toEqual([
      ["ch_freibad", "subscribe", "widget_code"],
      ["ch_freibad", "erase", "staff"],
    ]);
    expect(consent[0]?.message_wamid).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(consent[1]?.staff_id).toBe(admin.staff.id);

    // A second erasure is refused; the details show an erased person.
    expect((await erase(citizenId)).status).toBe(409);
    const detail = await api(`/api/subscribers/${citizenId}`, { as: admin });
    expect(await detail.json()).toMatchObject({ subscriber: { erasedAt: expect.any(Number), waId: null, name: null } });
    // Erased people are not listed.
    const list = await api("/api/subscribers", { as: admin });
    expect((await list.json<{ subscribers: unknown[] }>()).subscribers).toEqual([]);
  });

  it("records an erase event even when nothing was subscribed", async () => {
    await runInboundJob(await incomingText("Hallo", { from: NUMBER }));
    const citizenId = await citizenIdOf(NUMBER);
    expect((await erase(citizenId)).status).toBe(200);
    expect((await consentRows(citizenId)).map((e) => [e.channel_id, e.action])).toEqual([[null, "erase"]]);
  });

  it("a later message from the same number starts fresh, with nothing subscribed", async () => {
    const { citizenId } = await citizenWithHistory();
    await erase(citizenId);
    await runInboundJob(await incomingText("Grüß Gott", { from: NUMBER, name: "Maria Huber" }));
    const fresh = await citizenIdOf(NUMBER);
    expect(fresh).not.toBe(citizenId);
    expect(await count("subscriptions", `citizen_id = '${fresh}' AND active = 1`)).toBe(0);
    expect(await count("conversations", `citizen_id = '${fresh}'`)).toBe(1);
  });

  it("keeps a file another citizen sent too (same content, one R2 object)", async () => {
    const first = await citizenWithHistory(NUMBER, "wa-photo-a");
    const second = await citizenWithHistory("436645550200", "wa-photo-b");
    expect(second.r2Key).toBe(first.r2Key);
    await erase(first.citizenId);
    expect(await env.MEDIA.get(second.r2Key)).not.toBeNull();
    await erase(second.citizenId);
    expect(await env.MEDIA.get(second.r2Key)).toBeNull();
  });

  it("only admins erase, and only with confirm: true", async () => {
    const { citizenId } = await citizenWithHistory();
    const editor = await loginAs("editor");
    expect((await erase(citizenId, editor)).status).toBe(403);
    expect((await erase(citizenId, admin, {})).status).toBe(400);
    expect((await erase(citizenId, admin, { confirm: "yes" })).status).toBe(400);
    expect((await erase("nope")).status).toBe(404);
    expect(await count("citizens", "erased_at IS NOT NULL")).toBe(0);
  });

  it("the consent log cannot be edited, only its wamid anonymised", async () => {
    const { citizenId } = await citizenWithHistory();
    const attempts = [
      "UPDATE consent_events SET action = 'unsubscribe'",
      "UPDATE consent_events SET created_at = 1",
      "UPDATE consent_events SET channel_id = 'ch_events'",
      "UPDATE consent_events SET message_wamid = 'something else'",
      "UPDATE consent_events SET message_wamid = NULL",
    ];
    for (const q of attempts) await expect(env.DB.prepare(q).run(), q).rejects.toThrow(/append-only/);
    await env.DB.prepare("UPDATE consent_events SET message_wamid = 'sha256:abc'").run();
    expect((await consentRows(citizenId))[0]?.action).toBe("subscribe");
  });
});

describe("media retention", () => {
  async function photo(id: string, ageDays: number, o: { uploadedBy?: string; key?: string } = {}) {
    const key = o.key ?? r2KeyFor(id.padEnd(64, "0"));
    await env.MEDIA.put(key, PHOTO);
    await env.DB.prepare(
      "INSERT INTO media (id, status, r2_key, mime_type, size, citizen_id, uploaded_by, created_at) VALUES (?, 'stored', ?, 'image/jpeg', ?, ?, ?, ?)",
    )
      .bind(id, key, PHOTO.byteLength, o.uploadedBy ? null : "citizen-1", o.uploadedBy ?? null, Date.now() - ageDays * DAY)
      .run();
    return key;
  }

  it("deletes citizens' photos older than the retention period from R2, once a day", async () => {
    const old = await photo("old", 200);
    const recent = await photo("recent", 10);
    const staffUpload = await photo("staff", 400, { uploadedBy: "staff-1" });
    const now = Date.now();
    const result = await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now);
    expect(result).toMatchObject({ mediaDeleted: 1, objectsDeleted: 1 });
    expect(await env.MEDIA.get(old)).toBeNull();
    expect(await env.MEDIA.get(recent)).not.toBeNull();
    expect(await env.MEDIA.get(staffUpload)).not.toBeNull();
    expect(await env.DB.prepare("SELECT status, r2_key FROM media WHERE id = 'old'").first()).toEqual({ status: "deleted", r2_key: null });

    // The same day again: nothing runs. The next day: it runs again.
    await photo("old2", 300);
    expect(await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now + 60_000)).toBeNull();
    expect(await count("media", "id = 'old2' AND status = 'stored'")).toBe(1);
    expect(await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 180 }, now + DAY)).toMatchObject({ mediaDeleted: 1 });
    expect(await env.DB.prepare("SELECT value FROM settings WHERE key = ?").bind(RETENTION_MARKER).first()).toEqual({ value: dayInVienna(now + DAY) });
  });

  it("0 days keeps photos forever; expired sign-up codes are purged", async () => {
    await photo("old", 1000);
    await createSignupCode(db(), ["ch_events"], Date.now() - 70 * DAY);
    await createSignupCode(db(), ["ch_freibad"]);
    const result = await runDailyCleanup({ db: db(), bucket: env.MEDIA, retentionDays: 0 }, Date.now());
    expect(result).toEqual({ mediaDeleted: 0, objectsDeleted: 0, objectsPending: 0, codesDeleted: 1, complete: true });
    expect(await count("media", "status = 'stored'")).toBe(1);
    expect(await count("signup_codes")).toBe(1);
  });

  it("runs from the Worker's cron (MEDIA_RETENTION_DAYS default 180)", async () => {
    const old = await photo("old", 181);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await env.MEDIA.get(old)).toBeNull();
    expect(await count("settings", `key = '${RETENTION_MARKER}'`)).toBe(1);
  });
});
