// Erasure without collateral damage, no silent reuse of a citizen's photo, no comeback of erased
// data through late webhooks, an append-only consent log, and no browser caching of citizens' files.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getConfig } from "../worker/env";
import { fetchInboundMedia, r2KeyFor } from "../worker/media/fetch-inbound";
import { clientFromConfig } from "../worker/whatsapp";
import { api, loginAs, type Session } from "./helpers/auth";
import { consentRows, db, seedChannels } from "./helpers/citizens";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { citizenWithPhotos, objectExists, outboundPhoto, PHOTO, staffUpload } from "./helpers/gdpr";
import { envelope, messageValue, postWebhook, textMessage, ts } from "./helpers/meta";

vi.setConfig({ testTimeout: 30_000 });

let graph: FakeGraph;
let admin: Session;
beforeEach(async () => {
  graph = installFakeGraph();
  await seedChannels();
  admin = await loginAs("admin");
});
afterEach(() => graph.restore());

const erase = (citizenId: string) => api(`/api/subscribers/${citizenId}/erase`, { as: admin, body: { confirm: true } });
const mediaStatus = async (id: string) => (await env.DB.prepare("SELECT status FROM media WHERE id = ?").bind(id).first<{ status: string }>())?.status;

describe("erase removes only what belongs to the person", () => {
  it("keeps another citizen's forwarded photo and staff photos used elsewhere; deletes the rest", async () => {
    const anna = await citizenWithPhotos("anna", "436645550101", 2);
    const bert = await citizenWithPhotos("bert", "436645550102", 1);
    const bertsPhoto = bert.mediaIds[0] ?? "";
    // Sent to Anna before forwarding was refused: Bert's photo, and three staff uploads.
    await outboundPhoto(anna.conversationId, "anna", bertsPhoto);
    const sharedKey = await staffUpload("shared");
    const broadcastKey = await staffUpload("flyer");
    const onlyAnnaKey = await staffUpload("plan");
    for (const id of ["shared", "flyer", "plan"]) await outboundPhoto(anna.conversationId, "anna", id);
    await outboundPhoto(bert.conversationId, "bert", "shared");
    await env.DB.prepare("INSERT INTO broadcasts (id, title, kind, text, media_id, channel_ids, status) VALUES ('b1', 'Flyer', 'newsletter', 'x', 'flyer', '[]', 'done')").run();

    const res = await erase("anna");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ erased: { filesDeleted: 3, objectsDeleted: 3, objectsPending: 0 } });

    for (const id of anna.mediaIds) expect(await mediaStatus(id)).toBe("deleted");
    for (const key of anna.keys) expect(await objectExists(key)).toBe(false);
    expect(await mediaStatus("plan")).toBe("deleted");
    expect(await objectExists(onlyAnnaKey)).toBe(false);

    expect(await mediaStatus(bertsPhoto)).toBe("stored");
    expect(await objectExists(bert.keys[0] ?? "")).toBe(true);
    expect(await mediaStatus("shared")).toBe("stored");
    expect(await objectExists(sharedKey)).toBe(true);
    expect(await mediaStatus("flyer")).toBe("stored");
    expect(await objectExists(broadcastKey)).toBe(true);
    // Bert still sees his own photo.
    expect((await api(`/api/media/${bertsPhoto}`, { as: admin })).status).toBe(200);
  });

  it("a photo whose download finishes after the erasure leaves no object behind", async () => {
    await postWebhook(envelope(messageValue({ type: "image", image: { id: "wa-late", mime_type: "image/jpeg" } }, { from: "436645550101" })));
    const row = await env.DB.prepare("SELECT id, citizen_id FROM media").first<{ id: string; citizen_id: string }>();
    graph.addMedia("wa-late", PHOTO);
    const client = clientFromConfig(getConfig(env));
    const open = client.openMedia.bind(client);
    // The erasure happens while the bytes are on their way.
    vi.spyOn(client, "openMedia").mockImplementation(async (url) => {
      expect((await erase(row?.citizen_id ?? "")).status).toBe(200);
      return open(url);
    });
    const outcome = await fetchInboundMedia({ db: db(), bucket: env.MEDIA, whatsapp: client }, row?.id ?? "");
    expect(outcome.result).toBe("skipped");
    expect(await mediaStatus(row?.id ?? "")).toBe("deleted");
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", PHOTO))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await objectExists(r2KeyFor(hash))).toBe(false);
    expect(await count("media_deletions")).toBe(0);
  });
});

describe("a citizen's photo is not passed on to others", () => {
  const reply = (conversationId: string, mediaId: string, as: Session) =>
    api(`/api/conversations/${conversationId}/messages`, { as, body: { text: "Schauen Sie", mediaId } });

  it("refuses to forward another citizen's photo (422, German), allows their own photo and staff uploads", async () => {
    const agent = await loginAs("agent");
    const anna = await citizenWithPhotos("anna", "436645550101", 1);
    const bert = await citizenWithPhotos("bert", "436645550102", 1);
    await staffUpload("plan");

    const refused = await reply(anna.conversationId, bert.mediaIds[0] ?? "", agent);
    expect(refused.status).toBe(422);
    const body = await refused.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("media_of_other_citizen");
    expect(body.error.message).toMatch(/Datenschutz/);
    expect(graph.messages()).toEqual([]);
    expect(await count("messages", "direction = 'out'")).toBe(0);

    expect((await reply(anna.conversationId, anna.mediaIds[0] ?? "", agent)).status).toBe(201);
    expect((await reply(anna.conversationId, "plan", agent)).status).toBe(201);
    expect(graph.messages()).toHaveLength(2);
  });

  it("refuses a citizen's photo as a broadcast photo", async () => {
    const editor = await loginAs("editor");
    const anna = await citizenWithPhotos("anna", "436645550101", 1);
    const res = await api("/api/broadcasts", {
      as: editor,
      body: { title: "Info", kind: "newsletter", text: "Hallo", channelIds: ["ch_newsletter"], mediaId: anna.mediaIds[0] },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "media_of_other_citizen" } });
    expect(await count("broadcasts")).toBe(0);
  });
});

describe("late webhooks after an erasure", () => {
  const NUMBER = "436645550101";
  const stored = (wamid: string) => count("messages", `wamid = '${wamid}'`);

  it("drops redeliveries and old messages of the erased person; a new message is a new contact", async () => {
    const before = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    const first = { from: NUMBER, userId: "AT.1234", id: "wamid.old-1", timestamp: ts(before) };
    expect((await postWebhook(textMessage("Meine Adresse ist Hauptplatz 1", first))).status).toBe(200);
    const citizenId = (await env.DB.prepare("SELECT id FROM citizens").first<{ id: string }>())?.id ?? "";
    const res = await erase(citizenId);
    expect(res.status).toBe(200);
    const { erased } = await res.json<{ erased: { erasedAt: number } }>();
    expect(await count("erasure_tombstones")).toBe(2); // number and user id

    // Meta redelivers the same webhook, sends another old one late, one with only the user id, and an old photo.
    expect((await postWebhook(textMessage("Meine Adresse ist Hauptplatz 1", first))).status).toBe(200);
    expect((await postWebhook(textMessage("Noch was", { from: NUMBER, id: "wamid.old-2", timestamp: ts(before) }))).status).toBe(200);
    const userIdOnly = { omitFrom: true, userId: "AT.1234", id: "wamid.old-3", timestamp: ts(before) };
    expect((await postWebhook(textMessage("Per Benutzer-ID", userIdOnly))).status).toBe(200);
    const photo = { type: "image", image: { id: "wa-old-photo", mime_type: "image/jpeg" } };
    expect((await postWebhook(envelope(messageValue(photo, { from: NUMBER, id: "wamid.old-4", timestamp: ts(before) })))).status).toBe(200);

    for (const id of ["wamid.old-1", "wamid.old-2", "wamid.old-3", "wamid.old-4"]) expect(await stored(id)).toBe(0);
    expect(await count("citizens", "erased_at IS NULL")).toBe(0);
    expect(await count("messages", "text IS NOT NULL")).toBe(0);
    expect(await count("media")).toBe(0);

    // Written after the erasure: a new, unsubscribed contact.
    const after = { from: NUMBER, id: "wamid.new-1", timestamp: ts(new Date(erased.erasedAt + 1000)) };
    expect((await postWebhook(textMessage("Grüß Gott", after))).status).toBe(200);
    expect(await stored("wamid.new-1")).toBe(1);
    expect(await count("citizens", `erased_at IS NULL AND wa_id = '${NUMBER}' AND id <> '${citizenId}'`)).toBe(1);
    // And still: an old message of the erased past stays out, now that the number is known again.
    expect((await postWebhook(textMessage("Uralt", { from: NUMBER, id: "wamid.old-5", timestamp: ts(before) }))).status).toBe(200);
    expect(await stored("wamid.old-5")).toBe(0);
  });

  it("messages of other people are not affected", async () => {
    const before = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await postWebhook(textMessage("Hallo", { from: NUMBER }));
    const citizenId = (await env.DB.prepare("SELECT id FROM citizens").first<{ id: string }>())?.id ?? "";
    expect((await erase(citizenId)).status).toBe(200);
    expect((await postWebhook(textMessage("Spät, aber nicht gelöscht", { from: "436645550199", id: "wamid.other", timestamp: ts(before) }))).status).toBe(200);
    expect(await stored("wamid.other")).toBe(1);
  });
});

describe("the consent log is append-only", () => {
  it("refuses DELETE and UPDATE; erasure keeps the events as anonymised proof", async () => {
    const code = "ANMELDEN";
    expect((await postWebhook(textMessage(code, { from: "436645550101", id: "wamid.consent-1" }))).status).toBe(200);
    await env.DB.prepare(
      "INSERT INTO consent_events (citizen_id, channel_id, action, source, message_wamid, created_at) SELECT id, 'ch_freibad', 'subscribe', 'whatsapp_keyword', 'wamid.consent-1', 1 FROM citizens",
    ).run();
    const citizenId = (await env.DB.prepare("SELECT id FROM citizens").first<{ id: string }>())?.id ?? "";
    await expect(env.DB.prepare("DELETE FROM consent_events").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM consent_events WHERE citizen_id = ?").bind(citizenId).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("UPDATE consent_events SET action = 'unsubscribe'").run()).rejects.toThrow(/append-only/);
    const before = await consentRows(citizenId);
    expect(before.length).toBeGreaterThan(0);

    expect((await erase(citizenId)).status).toBe(200);
    const after = await consentRows(citizenId);
    // Every earlier event is still there, with the same id, action and channel; only the wamid is a hash now.
    expect(after.slice(0, before.length).map((e) => [e.id, e.channel_id, e.action, e.source])).toEqual(
      before.map((e) => [e.id, e.channel_id, e.action, e.source]),
    );
    expect(after.slice(before.length).every((e) => e.action === "erase")).toBe(true);
    expect(after.filter((e) => e.message_wamid !== null).every((e) => /^sha256:[0-9a-f]{64}$/.test(e.message_wamid ?? ""))).toBe(true);
    expect(JSON.stringify(after)).not.toContain("wamid.consent-1");
    await expect(env.DB.prepare("DELETE FROM consent_events WHERE citizen_id = ?").bind(citizenId).run()).rejects.toThrow(/append-only/);
  });
});

describe("no browser caching of citizens' files", () => {
  it("serves media with Cache-Control: private, no-store", async () => {
    const anna = await citizenWithPhotos("anna", "436645550101", 1);
    const res = await api(`/api/media/${anna.mediaIds[0]}`, { as: admin });
    expect(res.status).toBe(200);
    const cacheControl = res.headers.get("cache-control") ?? "";
    expect(cacheControl).toMatch(/\bprivate\b/);
    expect(cacheControl).toMatch(/\bno-store\b/);
    expect(cacheControl).not.toMatch(/immutable|max-age=[1-9]/);
    await res.arrayBuffer();
  });
});
