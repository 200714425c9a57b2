// Each recipient gets what WhatsApp will deliver to them: the content as free-form inside the 24-hour
// window, the template outside it (delivery auto / template / teaser), decided when each is sent; a
// 131047 falls back to the template once; "Weiterlesen" taps send the content once.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, loginAs } from "./helpers/auth";
import { broadcastStatus, drainQueue, seedCitizens } from "./helpers/broadcasts";
import { editor, graph, queue, useBroadcastFixture } from "./helpers/broadcast-fixture";
import { incoming, runInboundJob } from "./helpers/citizens";
import { setCitizenLastWrote } from "./helpers/fake-window";
import { envelope, messageValue } from "./helpers/meta";

useBroadcastFixture([["ch_news", "Newsletter"]]);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A approved teaser template with a "Weiterlesen" quick-reply button, in Meta's component shape. */
async function addTeaserTemplate(name = "wochen_teaser", category = "MARKETING"): Promise<void> {
  const components = [
    { type: "BODY", text: "Neu diese Woche: {{1}}. Tippen Sie auf Weiterlesen." },
    { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Weiterlesen" }] },
  ];
  await env.DB.prepare("INSERT INTO templates (id, name, language, status, body, parameter_count, category, source, components) VALUES (?, ?, 'de', 'APPROVED', ?, 1, ?, 'graph', ?)")
    .bind(`t_${name}`, name, components[0]!.text, category, JSON.stringify(components))
    .run();
}

/** inside: wrote an hour ago; outside: three days ago; never: never wrote. */
async function mixedAudience(): Promise<void> {
  await seedCitizens([
    { id: "in1", waId: "436601", channels: ["ch_news"], lastInboundAt: Date.now() - HOUR },
    { id: "out1", waId: "436602", channels: ["ch_news"], lastInboundAt: Date.now() - 3 * DAY },
    { id: "out2", waId: "436603", channels: ["ch_news"], lastInboundAt: null },
  ]);
}

async function createBroadcast(body: Record<string, unknown>): Promise<string> {
  const res = await api("/api/broadcasts", { as: editor, body: { title: "Woche", kind: "newsletter", text: "Der ganze Newsletter", channelIds: ["ch_news"], ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ broadcast: { id: string } }>()).broadcast.id;
}

const send = (id: string) => api(`/api/broadcasts/${id}/send`, { as: editor, method: "POST" });
const TEMPLATE = { name: "wochen_teaser", language: "de", parameters: ["Flohmarkt"] };

function sentTo(waId: string) {
  return graph.messages().filter((m) => m.body.to === waId).map((m) => m.body);
}

async function counts(id: string) {
  const res = await api(`/api/broadcasts/${id}`, { as: editor });
  return (await res.json<{ broadcast: { status: string; counts: Record<string, number> } }>()).broadcast;
}

async function rows(id: string) {
  const r = await env.DB.prepare("SELECT citizen_id, status, via, fallback_at, opened_at, error_code FROM broadcast_recipients WHERE broadcast_id = ? ORDER BY citizen_id")
    .bind(id)
    .all<{ citizen_id: string; status: string; via: string | null; fallback_at: number | null; opened_at: number | null; error_code: number | null }>();
  return r.results;
}

describe("delivery auto", () => {
  it("refuses free text to a mixed audience with 422 template_required and the numbers; sends when everyone is inside", async () => {
    await mixedAudience();
    const id = await createBroadcast({});
    const res = await send(id);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "template_required", details: { insideWindow: 1, outsideWindow: 2 } } });
    expect(graph.messages()).toHaveLength(0);
    // Scheduling it is refused the same way.
    const sched = await api(`/api/broadcasts/${id}`, { as: editor, method: "PATCH", body: { sendAt: Date.now() + DAY } });
    expect(sched.status).toBe(422);
    // Only people inside the window: free text goes.
    await env.DB.prepare("UPDATE subscriptions SET active = 0 WHERE citizen_id IN ('out1', 'out2')").run();
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(sentTo("436601")).toMatchObject([{ type: "text", text: { body: "Der ganze Newsletter" } }]);
  });

  it("inside the window the content, outside the template, counted as freeForm and viaTemplate", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    const id = await createBroadcast({ template: TEMPLATE });
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(sentTo("436601")).toMatchObject([{ type: "text" }]);
    expect(sentTo("436602")).toMatchObject([{ type: "template", template: { name: "wochen_teaser" } }]);
    expect(sentTo("436603")).toMatchObject([{ type: "template" }]);
    expect((await counts(id)).counts).toMatchObject({ sent: 3, freeForm: 1, viaTemplate: 2, failed: 0 });
    expect(await graph.deliverStatuses()).toBe(0);
  });

  it("decides when each recipient is sent: a citizen who writes after the start gets the content", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    const id = await createBroadcast({ template: TEMPLATE });
    expect((await send(id)).status).toBe(200);
    // out1 writes before their chunk is sent.
    await incoming(envelope(messageValue({ type: "text", text: { body: "Hallo" } }, { from: "436602" })));
    await drainQueue(queue);
    expect(sentTo("436602")).toMatchObject([{ type: "text" }]);
    expect(sentTo("436603")).toMatchObject([{ type: "template" }]);
  });
});

describe("delivery template", () => {
  it("sends everyone the template; without one it is refused", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    const none = await createBroadcast({ delivery: "template" });
    expect((await send(none)).status).toBe(422);
    const id = await createBroadcast({ delivery: "template", template: TEMPLATE, text: "" });
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(graph.messages().map((m) => m.body.type)).toEqual(["template", "template", "template"]);
    expect((await counts(id)).counts).toMatchObject({ viaTemplate: 3, freeForm: 0 });
  });
});

describe("131047 falls back to the template, once", () => {
  it("asynchronously (failed status webhook): the window closed in between; the broadcast sends again and is done after", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    // D1 still believes in1 wrote an hour ago, but at WhatsApp the last message is 25 hours old.
    setCitizenLastWrote("436601", Date.now() - 25 * HOUR);
    const id = await createBroadcast({ template: TEMPLATE });
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(await broadcastStatus(id)).toBe("done");
    expect(await graph.deliverStatuses()).toBe(1);
    expect(await broadcastStatus(id)).toBe("sending");
    await drainQueue(queue);
    expect(sentTo("436601").map((m) => m.type)).toEqual(["text", "template"]);
    expect(await broadcastStatus(id)).toBe("done");
    const in1 = (await rows(id)).find((r) => r.citizen_id === "in1")!;
    expect(in1).toMatchObject({ status: "sent", via: "template" });
    expect(in1.fallback_at).not.toBeNull();
    expect((await counts(id)).counts).toMatchObject({ sent: 3, failed: 0, viaTemplate: 3 });
  });

  it("a redelivered 131047 webhook, or one for the template, never sends a third time", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    setCitizenLastWrote("436601", Date.now() - 25 * HOUR);
    const id = await createBroadcast({ template: TEMPLATE });
    await send(id);
    await drainQueue(queue);
    const owed = [...graph.owedStatuses];
    await graph.deliverStatuses();
    await drainQueue(queue);
    // Meta redelivers the same failed status.
    graph.owedStatuses.push(...owed);
    await graph.deliverStatuses();
    await drainQueue(queue);
    expect(sentTo("436601").map((m) => m.type)).toEqual(["text", "template"]);
    expect((await rows(id)).find((r) => r.citizen_id === "in1")).toMatchObject({ status: "sent", via: "template" });
  });

  it("synchronously (the send itself answers 131047): the template goes instead; without a template it fails with the German reason", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    graph.failSendsTo("436601", { status: 400, code: 131047, message: "Re-engagement message" });
    const id = await createBroadcast({ template: TEMPLATE });
    await send(id);
    await drainQueue(queue);
    expect(sentTo("436601").map((m) => m.type)).toEqual(["text", "template"]);
    expect((await counts(id)).counts).toMatchObject({ sent: 3, failed: 0 });

    await env.DB.prepare("UPDATE subscriptions SET active = 0 WHERE citizen_id IN ('out1', 'out2')").run();
    graph.failSendsTo("436601", { status: 400, code: 131047, message: "Re-engagement message" });
    const plain = await createBroadcast({});
    await send(plain);
    await drainQueue(queue);
    const failed = (await rows(plain))[0]!;
    expect(failed).toMatchObject({ status: "failed", error_code: 131047 });
  });
});

describe("delivery teaser (Weiterlesen)", () => {
  async function tap(waId: string, broadcastId: string): Promise<unknown> {
    const [messageId] = await incoming(
      envelope(messageValue({ type: "button", button: { payload: `tw:more:${broadcastId}`, text: "Weiterlesen" } }, { from: waId })),
    );
    await runInboundJob(messageId!);
    return messageId;
  }

  it("outside the window the template with the button payload; a tap sends the content once and counts opened once", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    const id = await createBroadcast({ delivery: "teaser", template: TEMPLATE });
    expect((await send(id)).status).toBe(200);
    await drainQueue(queue);
    expect(sentTo("436601")).toMatchObject([{ type: "text" }]);
    expect(sentTo("436602")).toMatchObject([
      {
        type: "template",
        template: {
          components: [
            { type: "body" },
            { type: "button", sub_type: "quick_reply", index: "0", parameters: [{ type: "payload", payload: `tw:more:${id}` }] },
          ],
        },
      },
    ]);
    await tap("436602", id);
    expect(sentTo("436602").map((m) => m.type)).toEqual(["template", "text"]);
    expect(sentTo("436602")[1]).toMatchObject({ text: { body: "Der ganze Newsletter" } });
    // A second tap sends nothing more.
    await tap("436602", id);
    expect(sentTo("436602")).toHaveLength(2);
    expect((await counts(id)).counts).toMatchObject({ opened: 1, viaTemplate: 2, freeForm: 1 });
    // The tap is no keyword and needs no staff: its conversation is resolved.
    const conv = await env.DB.prepare("SELECT c.status FROM conversations c JOIN citizens z ON z.id = c.citizen_id WHERE z.wa_id = '436602'").all<{ status: string }>();
    expect(conv.results.every((c) => c.status === "resolved")).toBe(true);
  });

  it("a tap after the broadcast was cancelled sends no content, only a short German note", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    const id = await createBroadcast({ delivery: "teaser", template: TEMPLATE });
    await send(id);
    await drainQueue(queue);
    expect((await api(`/api/broadcasts/${id}/cancel`, { as: editor, method: "POST" })).status).toBe(409); // done already
    await env.DB.prepare("UPDATE broadcasts SET status = 'cancelled' WHERE id = ?").bind(id).run();
    await tap("436603", id);
    const after = sentTo("436603");
    expect(after.map((m) => m.type)).toEqual(["template", "text"]);
    expect(String((after[1] as { text: { body: string } }).text.body)).toMatch(/zurückgezogen/);
    expect((await counts(id)).counts.opened).toBe(0);
  });

  it("needs a template with a quick-reply button", async () => {
    await env.DB.prepare("INSERT INTO templates (id, name, language, status, body, parameter_count, category, source) VALUES ('t2', 'ohne_knopf', 'de', 'APPROVED', 'Hallo {{1}}.', 1, 'UTILITY', 'manual')").run();
    const res = await api("/api/broadcasts", {
      as: editor,
      body: { title: "x", kind: "newsletter", text: "y", channelIds: ["ch_news"], delivery: "teaser", template: { name: "ohne_knopf", language: "de", parameters: ["a"] } },
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "teaser_needs_button" } });
  });
});

describe("estimate with the window split and the cost", () => {
  it("counts inside and outside the window and prices the templates by category (admin can change the table)", async () => {
    await addTeaserTemplate();
    await addTeaserTemplate("dringend", "UTILITY");
    await mixedAudience();
    const get = async (q: string) => {
      const res = await api(`/api/broadcasts/estimate?channelIds=ch_news${q}`, { as: editor });
      expect(res.status).toBe(200);
      return res.json<{ recipients: number; insideWindow: number; outsideWindow: number; cost: Record<string, unknown> }>();
    };
    const prices = await (await api("/api/settings/template-prices", { as: editor })).json<{ prices: Record<string, number>; sourceDate: string; currency: string }>();
    expect(prices).toMatchObject({ currency: "EUR", sourceDate: "2025-07-01" });
    const auto = await get("&delivery=auto");
    expect(auto).toMatchObject({ recipients: 3, insideWindow: 1, outsideWindow: 2 });
    expect(auto.cost).toMatchObject({ currency: "EUR", category: "MARKETING", templateMessages: 2, billableMessages: 2, perMessage: prices.prices.MARKETING });
    expect((await get("&delivery=template")).cost).toMatchObject({ templateMessages: 3, billableMessages: 3 });
    // A UTILITY template inside the window costs nothing at Meta.
    expect((await get("&delivery=template&template=dringend&language=de")).cost).toMatchObject({ category: "UTILITY", templateMessages: 3, billableMessages: 2 });

    expect((await api("/api/settings/template-prices", { as: editor, method: "PUT", body: { prices: { MARKETING: 0.1, UTILITY: 0.02, AUTHENTICATION: 0.02 } } })).status).toBe(403);
    const admin = await loginAs("admin");
    expect((await api("/api/settings/template-prices", { as: admin, method: "PUT", body: { prices: { MARKETING: -1, UTILITY: 0, AUTHENTICATION: 0 } } })).status).toBe(400);
    const put = await api("/api/settings/template-prices", { as: admin, method: "PUT", body: { prices: { MARKETING: 6.2, UTILITY: 0.02, AUTHENTICATION: 0.02 }, sourceDate: "2026-01-01" } });
    expect(put.status).toBe(200);
    expect((await get("&delivery=auto")).cost).toMatchObject({ perMessage: 6.2, total: 12.4 });
  });
});

describe("failures per recipient", () => {
  type Failure = { citizenId: string; code: number | null; reason: string; advice: string; retryableWithTemplate: boolean; phone: string | null };
  const failures = async (id: string) =>
    (await (await api(`/api/broadcasts/${id}/failures`, { as: editor })).json<{ failures: Failure[] }>()).failures;

  it("explains a 131047 in German (how long the citizen has been silent); without a template nothing to retry", async () => {
    await seedCitizens([{ id: "in1", waId: "436601", channels: ["ch_news"], lastInboundAt: Date.now() - HOUR }]);
    const id = await createBroadcast({});
    expect((await send(id)).status).toBe(200);
    // Before it is sent, it turns out the last message was three days ago (D1 and WhatsApp agree).
    const threeDays = Date.now() - 3 * DAY - HOUR;
    await env.DB.prepare("UPDATE citizens SET last_inbound_at = ? WHERE id = 'in1'").bind(threeDays).run();
    setCitizenLastWrote("436601", threeDays);
    await drainQueue(queue);
    await graph.deliverStatuses();
    const [f] = await failures(id);
    expect(f).toMatchObject({ citizenId: "in1", phone: "436601", code: 131047, retryableWithTemplate: false });
    expect(f!.reason).toBe("hat seit 3 Tagen nicht geschrieben – nur mit Vorlage erreichbar");
    expect(f!.advice).toMatch(/Vorlage/);
    const retry = await api(`/api/broadcasts/${id}/retry-with-template`, { as: editor, body: {} });
    expect(retry.status).toBe(422);
  });

  it("'Mit Vorlage erneut senden' reaches those a template can; not those who are not on WhatsApp", async () => {
    await addTeaserTemplate();
    await mixedAudience();
    graph.failSendsTo("436601", { status: 400, code: 131051, message: "Unsupported message type" });
    graph.failSendsTo("436602", { status: 400, code: 131026, message: "Message undeliverable" });
    const id = await createBroadcast({ template: TEMPLATE });
    await send(id);
    await drainQueue(queue);
    const list = await failures(id);
    expect(list.map((f) => [f.citizenId, f.code, f.retryableWithTemplate]).sort()).toEqual([
      ["in1", 131051, true],
      ["out1", 131026, false],
    ]);
    const retry = await api(`/api/broadcasts/${id}/retry-with-template`, { as: editor, body: {} });
    expect(await retry.json()).toEqual({ queued: 1 });
    expect(await broadcastStatus(id)).toBe("sending");
    await drainQueue(queue);
    expect(sentTo("436601").map((m) => m.type)).toEqual(["text", "template"]);
    expect(await broadcastStatus(id)).toBe("done");
    expect((await failures(id)).map((f) => f.citizenId)).toEqual(["out1"]);
    // Nothing left to retry: a second press queues nobody.
    expect(await (await api(`/api/broadcasts/${id}/retry-with-template`, { as: editor, body: {} })).json()).toEqual({ queued: 0 });
  });
});
