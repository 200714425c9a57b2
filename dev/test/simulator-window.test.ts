// The simulator holds EVERY citizen to WhatsApp's 24-hour customer-service window, as Meta does:
// free-form content to someone whose last message (by its WhatsApp timestamp) is older than 24 hours,
// or who never wrote, is accepted and then fails with a 131047 status webhook. Templates still go.
// It also takes template submissions and reviews them, sending signed status webhooks.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { seedDemoData } from "../seed";
import { simulator } from "../simulator";
import { env, asCitizen, dev, graphPost, simClient, useSimulator, WABA_ID } from "./helpers";

beforeEach(useSimulator);
afterEach(() => vi.restoreAllMocks());

async function statusOnPhone(waId: string, wamid: string): Promise<{ status: string; error: string | null } | undefined> {
  const m = (await simulator(env).chat(waId)).messages.find((x) => x.wamid === wamid);
  return m ? { status: m.status, error: m.error } : undefined;
}

const reportInbound = (waId: string, timestampSeconds: number) =>
  dev(`/__dev/api/phones/${waId}/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ timestamp: timestampSeconds }),
  });

describe("the 24-hour window for every recipient", () => {
  it("a citizen who never wrote gets no free-form message (131047 by status webhook); a template goes", async () => {
    const text = await simClient().sendText({ waId: "436641119001" }, "Hallo");
    const buttons = await simClient().sendInteractiveButtons({ waId: "436641119001" }, { body: "Wählen Sie", buttons: [{ id: "a", title: "A" }] });
    const template = await simClient().sendTemplate({ waId: "436641119001" }, { name: "rueckfrage", language: "de" });
    // Accepted first, as at Meta: the send itself answered with a wamid.
    expect(text.wamid).toMatch(/^wamid\./);
    await vi.waitFor(async () => {
      expect((await statusOnPhone("436641119001", text.wamid))?.status).toBe("failed");
      expect((await statusOnPhone("436641119001", buttons.wamid))?.status).toBe("failed");
      expect((await statusOnPhone("436641119001", template.wamid))?.status).toBe("delivered");
    }, { timeout: 8000, interval: 100 });
    expect((await statusOnPhone("436641119001", text.wamid))?.error).toBe("Re-engagement message");
  });

  it("counts from the WhatsApp timestamp of the last message, whichever way it was learned; an older one never moves it back", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await reportInbound("436641119002", now - 25 * 3600)).status).toBe(200);
    const late = await simClient().sendText({ waId: "436641119002" }, "Zu spät");
    expect((await reportInbound("436641119003", now - 23 * 3600)).status).toBe(200);
    // A redelivered older message arrives afterwards: the window still counts from the newer one.
    await reportInbound("436641119003", now - 30 * 3600);
    const inTime = await simClient().sendText({ waId: "436641119003" }, "Rechtzeitig");
    await vi.waitFor(async () => {
      expect((await statusOnPhone("436641119002", late.wamid))?.status).toBe("failed");
      expect((await statusOnPhone("436641119003", inTime.wamid))?.status).toBe("delivered");
    }, { timeout: 8000, interval: 100 });
    expect(await simulator(env).lastInboundAt("436641119003")).toBe((now - 23 * 3600) * 1000);
    expect((await reportInbound("436641119003", -5)).status).toBe(400);
  });

  it("a citizen writing on the phone opens the window, by the timestamp of that webhook", async () => {
    expect((await asCitizen("436641119004", { name: "Eva", message: { type: "text", text: "Hallo" } })).status).toBe(201);
    const at = await simulator(env).lastInboundAt("436641119004");
    expect(at).not.toBeNull();
    expect(at! % 1000).toBe(0);
    const reply = await simClient().sendText({ waId: "436641119004" }, "Grüß Gott");
    await vi.waitFor(async () => expect((await statusOnPhone("436641119004", reply.wamid))?.status).toBe("delivered"), { timeout: 8000, interval: 100 });
  });

  it("demo citizens: most last wrote days ago (sign-up), so free text reaches only the recent ones", async () => {
    await seedDemoData(env);
    const franz = await simClient().sendText({ waId: "436769012308" }, "Newsletter");
    const anna = await simClient().sendText({ waId: "436603456703" }, "Newsletter");
    await vi.waitFor(async () => {
      expect((await statusOnPhone("436769012308", franz.wamid))?.status).toBe("failed");
      expect((await statusOnPhone("436603456703", anna.wamid))?.status).toBe("delivered");
    }, { timeout: 8000, interval: 100 });
    // D1 and the simulator agree on when each citizen last wrote.
    const rows = await env.DB.prepare("SELECT wa_id, last_inbound_at FROM citizens").all<{ wa_id: string; last_inbound_at: number }>();
    const outside = rows.results.filter((r) => Date.now() - r.last_inbound_at >= 24 * 3600_000);
    expect(outside.length).toBeGreaterThan(rows.results.length / 2);
    for (const r of rows.results) {
      expect(Math.abs((await simulator(env).lastInboundAt(r.wa_id))! - r.last_inbound_at)).toBeLessThan(1000);
    }
  });
});

describe("template submission and review", () => {
  const good = {
    name: "wochen_teaser",
    language: "de",
    category: "MARKETING",
    components: [
      { type: "BODY", text: "Neu diese Woche: {{1}}. Mehr mit Weiterlesen.", example: { body_text: [["Flohmarkt"]] } },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Weiterlesen" }] },
    ],
  };

  async function runReviews(): Promise<void> {
    const stub = simulator(env);
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec(`UPDATE template_events SET due_at = 0`);
    });
    await runDurableObjectAlarm(stub);
  }

  it("stores PENDING, approves after the review, and sends the signed status webhook", async () => {
    const res = await graphPost(`/${WABA_ID}/message_templates`, good);
    expect(res.status).toBe(200);
    const body = await res.json<{ id: string; status: string; category: string }>();
    expect(body).toMatchObject({ status: "PENDING", category: "MARKETING" });
    // Not usable before approval.
    const early = await simClient()
      .sendTemplate({ waId: "436641119010" }, { name: "wochen_teaser", language: "de", components: [{ type: "body", parameters: [{ type: "text", text: "x" }] }] })
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(Error);
    await runReviews();
    const log = await simulator(env).deliveries(5);
    expect(log.find((d) => d.kind === "template:APPROVED")?.wamid).toBe(body.id);
    const list = await (await dev(`/__dev/graph/v23.0/${WABA_ID}/message_templates?limit=100`, { headers: { authorization: "Bearer test-access-token" } })).json<{ data: { name: string; status: string }[] }>();
    expect(list.data.find((t) => t.name === "wochen_teaser")?.status).toBe("APPROVED");
    // A second submission of the same name and language is refused, as at Meta.
    expect((await graphPost(`/${WABA_ID}/message_templates`, good)).status).toBe(400);
  });

  it("rejects placeholders at the very start or end and missing examples", async () => {
    for (const [name, body] of [
      ["start_ph", { type: "BODY", text: "{{1}} ist neu.", example: { body_text: [["x"]] } }],
      ["end_ph", { type: "BODY", text: "Neu ist {{1}}", example: { body_text: [["x"]] } }],
      ["no_example", { type: "BODY", text: "Neu ist {{1}} diese Woche." }],
    ] as const) {
      expect((await graphPost(`/${WABA_ID}/message_templates`, { ...good, name, components: [body] })).status).toBe(200);
    }
    await runReviews();
    const kinds = (await simulator(env).deliveries(10)).map((d) => d.kind);
    expect(kinds.filter((k) => k === "template:REJECTED")).toHaveLength(3);
  });

  it("the review's signed webhook reaches the worker, which follows the template's status", async () => {
    await env.DB.prepare("INSERT INTO templates (id, name, language, category, status, body, source) VALUES ('tw1', 'wochen_teaser', 'de', 'MARKETING', 'PENDING', '', 'graph')").run();
    await env.DB.prepare("INSERT INTO templates (id, name, language, category, status, body, source) VALUES ('tw2', 'end_ph', 'de', 'MARKETING', 'PENDING', '', 'graph')").run();
    await graphPost(`/${WABA_ID}/message_templates`, good);
    await graphPost(`/${WABA_ID}/message_templates`, { ...good, name: "end_ph", components: [{ type: "BODY", text: "Neu ist {{1}}", example: { body_text: [["x"]] } }] });
    await runReviews();
    const rows = await env.DB.prepare("SELECT name, status, rejected_reason FROM templates ORDER BY name").all<{ name: string; status: string; rejected_reason: string | null }>();
    expect(rows.results).toEqual([
      { name: "end_ph", status: "REJECTED", rejected_reason: "INVALID_FORMAT" },
      { name: "wochen_teaser", status: "APPROVED", rejected_reason: null },
    ]);
  });

  it("refuses a malformed name at once (Meta's 100 error), like the Graph API", async () => {
    const res = await graphPost(`/${WABA_ID}/message_templates`, { ...good, name: "Wochen Teaser" });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { code: number } }>()).error.code).toBe(100);
  });
});
