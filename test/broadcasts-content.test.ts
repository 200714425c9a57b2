// What goes out: templates (manual and synced), photos, the staff test-send, and alerts before newsletters.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, loginAs } from "./helpers/auth";
import { broadcastStatus, drainQueue, runChunks, seedCitizens, seedSubscribers } from "./helpers/broadcasts";
import { editor, graph, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture([
  ["ch_news", "Newsletter"],
  ["ch_alerts", "Ad-hoc-Infos"],
]);

async function create(body: Record<string, unknown>, as = editor): Promise<Response> {
  return api("/api/broadcasts", { as, body: { title: "Test", kind: "newsletter", text: "Hallo", channelIds: ["ch_news"], ...body } });
}

async function createId(body: Record<string, unknown>): Promise<string> {
  const res = await create(body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ broadcast: { id: string } }>()).broadcast.id;
}

const send = (id: string) => api(`/api/broadcasts/${id}/send`, { as: editor, method: "POST" });

describe("templates", () => {
  it("sends an approved template with its parameters to every recipient", async () => {
    const t = await api("/api/templates", {
      as: editor,
      body: { name: "abfall_erinnerung", language: "de", body: "Morgen wird {{1}} abgeholt. {{2}}" },
    });
    expect(t.status, await t.clone().text()).toBe(201);
    expect(await t.json()).toMatchObject({ template: { parameterCount: 2, source: "manual", status: "APPROVED", body: "Morgen wird {{1}} abgeholt. {{2}}" } });
    await seedCitizens([{ id: "a", waId: "436601", channels: ["ch_news"] }, { id: "b", waId: "436602", channels: ["ch_news"] }]);
    const id = await createId({ text: "", template: { name: "abfall_erinnerung", language: "de", parameters: ["Papier", "Danke!"] } });
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(graph.messages()).toHaveLength(2);
    for (const m of graph.messages()) {
      expect(m.body).toMatchObject({
        type: "template",
        template: {
          name: "abfall_erinnerung",
          language: { code: "de" },
          components: [{ type: "body", parameters: [{ type: "text", text: "Papier" }, { type: "text", text: "Danke!" }] }],
        },
        biz_opaque_callback_data: expect.stringMatching(new RegExp(`^b:${id}:[ab]:t$`)),
      });
    }
  });

  it("refuses unknown templates and a wrong number of parameters", async () => {
    await api("/api/templates", { as: editor, body: { name: "hinweis", language: "de", body: "Hinweis: {{1}}" } });
    const unknown = await create({ template: { name: "gibts_nicht", language: "de", parameters: [] } });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ error: { code: "unknown_template" } });
    const wrong = await create({ template: { name: "hinweis", language: "de", parameters: ["a", "b"] } });
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ error: { code: "template_parameters", details: { expected: 1 } } });
    const dup = await api("/api/templates", { as: editor, body: { name: "hinweis", language: "de", body: "x" } });
    expect(dup.status).toBe(409);
    const bad = await api("/api/templates", { as: editor, body: { name: "Mit Leerzeichen", language: "de", body: "x" } });
    expect(bad.status).toBe(400);
    const agent = await loginAs("agent");
    expect((await api("/api/templates", { as: agent, body: { name: "x", language: "de", body: "x" } })).status).toBe(403);
  });

  it("syncs templates from the Graph API and retires those gone there", async () => {
    graph.setTemplates([
      { name: "veranstaltung", language: "de", status: "APPROVED", category: "MARKETING", components: [{ type: "BODY", text: "Am {{1}}: {{2}}" }] },
      { name: "warnung", language: "de", status: "PENDING", category: "UTILITY", components: [{ type: "BODY", text: "Achtung" }] },
    ]);
    const res = await api("/api/templates/sync", { as: editor, method: "POST" });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ synced: 2, removed: 0 });
    const list = await (await api("/api/templates", { as: editor })).json<{ templates: { name: string; status: string; parameterCount: number }[] }>();
    expect(list.templates.map((t) => [t.name, t.status, t.parameterCount])).toEqual([
      ["veranstaltung", "APPROVED", 2],
      ["warnung", "PENDING", 0],
    ]);
    const pending = await create({ template: { name: "warnung", language: "de", parameters: [] } });
    expect(pending.status).toBe(422);
    expect(await pending.json()).toMatchObject({ error: { code: "template_not_approved" } });

    graph.setTemplates([]);
    const again = await (await api("/api/templates/sync", { as: editor, method: "POST" })).json();
    expect(again).toMatchObject({ synced: 0, removed: 2 });
    const gone = await create({ template: { name: "veranstaltung", language: "de", parameters: ["1.5.", "Maibaum"] } });
    expect(gone.status).toBe(422);
  });
});

describe("photo", () => {
  it("uploads the photo to WhatsApp once and sends it with the text as caption", async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const form = new FormData();
    form.append("file", new File([jpeg], "baustelle.jpg", { type: "image/jpeg" }));
    const up = await api("/api/media", { as: editor, body: form, method: "POST" });
    expect(up.status, await up.clone().text()).toBe(201);
    const { media } = await up.json<{ media: { id: string } }>();
    await seedCitizens([{ id: "a", waId: "436611", channels: ["ch_news"] }, { id: "b", waId: "436612", channels: ["ch_news"] }]);
    const id = await createId({ text: "Baustelle *Kirchengasse*", mediaId: media.id });
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(graph.uploads).toHaveLength(1);
    const uploaded = graph.uploads[0]!.id;
    expect(graph.messages().map((m) => m.body)).toEqual([
      expect.objectContaining({ type: "image", image: { id: uploaded, caption: "Baustelle *Kirchengasse*" } }),
      expect.objectContaining({ type: "image", image: { id: uploaded, caption: "Baustelle *Kirchengasse*" } }),
    ]);
    const long = await create({ text: "x".repeat(1025), mediaId: media.id });
    expect(long.status).toBe(422);
    expect(await long.json()).toMatchObject({ error: { code: "caption_too_long" } });
    const missing = await create({ mediaId: "nichtda" });
    expect(missing.status).toBe(422);
  });
});

describe("test-send", () => {
  it("sends the broadcast to the staff member's own number only", async () => {
    const withPhone = await loginAs({ role: "editor", phone: "436641112223" });
    await seedCitizens([{ id: "a", waId: "436621", channels: ["ch_news"] }]);
    const id = await createId({ text: "Probe _kursiv_" });
    const res = await api(`/api/broadcasts/${id}/test`, { as: withPhone, method: "POST" });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, to: "436641112223", wamid: expect.stringMatching(/^wamid\./) });
    expect(graph.messages().map((m) => [m.body.to, m.body.type])).toEqual([["436641112223", "text"]]);
    expect(await broadcastStatus(id)).toBe("draft");

    graph.failNextSends({ status: 400, code: 131047, message: "Re-engagement message" });
    const outside = await api(`/api/broadcasts/${id}/test`, { as: withPhone, method: "POST" });
    expect(outside.status).toBe(422);
    expect((await outside.json<{ error: { code: string; message: string } }>()).error.message).toContain("24 Stunden");
  });

  it("asks for a phone number first", async () => {
    const id = await createId({});
    const res = await api(`/api/broadcasts/${id}/test`, { as: editor, method: "POST" });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "no_phone" } });
  });
});

// Real pacing at 80/s and the 2 s yield: more than the default 5 s on a loaded machine (nothing here is timed).
describe("alerts before newsletters", { timeout: 20_000 }, () => {
  it("an alert started while a newsletter waits goes out completely before the newsletter continues", async () => {
    const news = await seedSubscribers("ch_news", 60, "n");
    const alerts = await seedSubscribers("ch_alerts", 30, "a");
    expect(news).toHaveLength(60);
    const newsletter = await createId({});
    expect((await send(newsletter)).status).toBe(200);
    const alert = await createId({ kind: "alert", title: "Hochwasser", text: "Achtung Hochwasser!", channelIds: ["ch_alerts"] });
    expect((await send(alert)).status).toBe(200);
    const alertTo = new Set(
      (await env.DB.prepare(`SELECT wa_id FROM citizens WHERE id IN (${alerts.map(() => "?").join(",")})`).bind(...alerts).all<{ wa_id: string }>()).results.map((r) => r.wa_id),
    );
    // Newsletter chunk first in the batch, as it was queued first.
    await runChunks(queue.drain());
    const order = graph.messages().map((m) => (alertTo.has(String(m.body.to)) ? "alert" : "news"));
    expect(order).toHaveLength(90);
    expect(order.lastIndexOf("alert")).toBe(29);
    expect(order.indexOf("news")).toBe(30);
    expect(await broadcastStatus(alert)).toBe("done");
    expect(await broadcastStatus(newsletter)).toBe("done");
  });

  it("a newsletter under way gives way to an alert: only sends already scheduled go before it", async () => {
    await seedSubscribers("ch_news", 150, "n");
    const alerts = await seedSubscribers("ch_alerts", 40, "a");
    const newsletter = await createId({});
    expect((await send(newsletter)).status).toBe(200);
    const newsChunks = queue.drain();
    const alert = await createId({ kind: "alert", title: "Stromausfall", text: "Stromausfall bis 14 Uhr", channelIds: ["ch_alerts"] });
    let n = 0;
    let alertStartedAt = -1;
    graph.onSend(async () => {
      if (++n === 10) {
        alertStartedAt = n;
        expect((await send(alert)).status).toBe(200);
      }
    });
    const alertTo = new Set(
      (await env.DB.prepare(`SELECT wa_id FROM citizens WHERE id IN (${alerts.map(() => "?").join(",")})`).bind(...alerts).all<{ wa_id: string }>()).results.map((r) => r.wa_id),
    );
    // The newsletter's chunks and (once started) the alert's chunk run side by side.
    await Promise.all([runChunks(newsChunks), (async () => {
      while (alertStartedAt < 0) await new Promise((r) => setTimeout(r, 20));
      await drainQueue(queue);
    })()]);
    await drainQueue(queue);
    const order = graph.messages().map((m) => (alertTo.has(String(m.body.to)) ? "alert" : "news"));
    expect(order.filter((o) => o === "alert")).toHaveLength(40);
    expect(order.filter((o) => o === "news")).toHaveLength(150);
    const lastAlert = order.lastIndexOf("alert");
    const newsBeforeAlertDone = order.slice(alertStartedAt, lastAlert).filter((o) => o === "news").length;
    // At most what already had a permit or a lane (a 0.1 s horizon at 80/s, 6 lanes per sender) goes between.
    expect(newsBeforeAlertDone).toBeLessThanOrEqual(40);
    expect(order.slice(lastAlert).filter((o) => o === "news").length).toBeGreaterThanOrEqual(150 - 10 - 40);
  });

  it("a newsletter blocked by an alert hands its chunk back to the queue instead of holding the consumer", async () => {
    await seedSubscribers("ch_news", 5, "n");
    await seedSubscribers("ch_alerts", 5, "a");
    const newsletter = await createId({});
    expect((await send(newsletter)).status).toBe(200);
    const newsChunks = queue.drain();
    const alert = await createId({ kind: "alert", title: "Sturm", text: "Sturmwarnung", channelIds: ["ch_alerts"] });
    expect((await send(alert)).status).toBe(200);
    queue.drain(); // the alert's chunk is not delivered yet
    const result = await runChunks(newsChunks);
    expect(result.explicitAcks).toHaveLength(1);
    expect(graph.messages()).toHaveLength(0);
    expect(queue.messages).toHaveLength(1);
    expect(queue.messages[0]).toMatchObject({ body: { broadcastId: newsletter, citizenIds: newsChunks[0]!.citizenIds }, delaySeconds: 2 });
  });
});
