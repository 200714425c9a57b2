// Templates made in the app: Meta's rules checked first (German problems), submitted for review and
// followed through Meta's webhooks in any order; a template that can no longer be sent alerts the
// admins and keeps broadcasts that use it from starting. The recommended set is one click away.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../worker/index";
import { api, loginAs } from "./helpers/auth";
import { broadcastStatus, seedCitizens } from "./helpers/broadcasts";
import { editor, graph, useBroadcastFixture } from "./helpers/broadcast-fixture";
import { postWebhook, WABA_ID } from "./helpers/meta";

useBroadcastFixture([["ch_news", "Newsletter"]]);

const draft = {
  name: "wochen_teaser",
  language: "de",
  category: "MARKETING",
  components: [
    { type: "BODY", text: "Neu diese Woche: {{1}}. Mehr mit Weiterlesen.", example: { body_text: [["Flohmarkt"]] } },
    { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Weiterlesen" }] },
  ],
};

type Template = { name: string; status: string; rejectedReason: string | null; category: string; source: string; components: unknown[] };

async function template(name: string): Promise<Template | undefined> {
  const res = await api("/api/templates", { as: editor });
  return (await res.json<{ templates: Template[] }>()).templates.find((t) => t.name === name);
}

/** Meta's message_template_status_update / template_category_update webhook, with Meta's entry.time. */
function templateWebhook(field: string, value: Record<string, unknown>, timeSeconds: number) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: WABA_ID, time: timeSeconds, changes: [{ field, value: { message_template_id: 12345, message_template_name: "wochen_teaser", message_template_language: "de", ...value } }] }],
  };
}
const status = (event: string, at: number, reason = "NONE") => postWebhook(templateWebhook("message_template_status_update", { event, reason }, at));

describe("composing and submitting", () => {
  it("refuses what Meta would reject, explaining each problem in German", async () => {
    const res = await api("/api/templates", {
      as: editor,
      body: { ...draft, name: "Wochen Teaser", components: [{ type: "BODY", text: "{{1}} ist neu und {{3}}" }] },
    });
    expect(res.status).toBe(422);
    const body = await res.json<{ error: { code: string; details: { problems: { path: string; message: string }[] } } }>();
    expect(body.error.code).toBe("template_invalid");
    const messages = body.error.details.problems.map((p) => p.message).join(" | ");
    expect(messages).toMatch(/Kleinbuchstaben/);
    expect(messages).toMatch(/lückenlos/);
    expect(messages).toMatch(/beginnen/);
    expect(messages).toMatch(/enden/);
    expect(graph.submittedTemplates).toHaveLength(0);
  });

  it("submits Meta's shape to POST /{waba-id}/message_templates and stores it PENDING; manual entries are APPROVED", async () => {
    const res = await api("/api/templates", { as: editor, body: draft });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ template: { name: "wochen_teaser", status: "PENDING", source: "meta", parameterCount: 1 } });
    expect(graph.submittedTemplates).toEqual([expect.objectContaining({ name: "wochen_teaser", language: "de", category: "MARKETING", components: draft.components })]);
    expect((await api("/api/templates", { as: editor, body: draft })).status).toBe(409);
    // A PENDING template cannot be used yet.
    await seedCitizens([{ id: "a", waId: "436601", channels: ["ch_news"] }]);
    const b = await api("/api/broadcasts", { as: editor, body: { title: "x", kind: "newsletter", text: "y", channelIds: ["ch_news"], template: { name: "wochen_teaser", language: "de", parameters: ["z"] } } });
    expect(b.status).toBe(422);
    expect(await b.json()).toMatchObject({ error: { code: "template_not_approved" } });

    const manual = await api("/api/templates", { as: editor, body: { ...draft, name: "von_hand", manual: true } });
    expect(await manual.json()).toMatchObject({ template: { name: "von_hand", status: "APPROVED", source: "manual" } });
    expect(graph.submittedTemplates).toHaveLength(1);
  });
});

describe("Meta's review webhooks, in any order", () => {
  it("a late APPROVED or PENDING never overrides a newer REJECTED; a newer APPROVED does; the category follows", async () => {
    await api("/api/templates", { as: editor, body: draft });
    const t0 = Math.floor(Date.now() / 1000);
    expect((await status("REJECTED", t0 + 20, "INVALID_FORMAT")).status).toBe(200);
    await status("APPROVED", t0 + 10); // older, arrives late
    await status("PENDING", t0 + 20); // same second, less far along
    expect(await template("wochen_teaser")).toMatchObject({ status: "REJECTED", rejectedReason: "INVALID_FORMAT" });
    await status("APPROVED", t0 + 30); // resubmitted and approved later
    expect(await template("wochen_teaser")).toMatchObject({ status: "APPROVED", rejectedReason: null });
    // A duplicate delivery of the same event changes nothing.
    await status("APPROVED", t0 + 30);
    await postWebhook(templateWebhook("template_category_update", { previous_category: "MARKETING", new_category: "UTILITY" }, t0 + 40));
    expect(await template("wochen_teaser")).toMatchObject({ category: "UTILITY" });
  });

  it("a paused template used by a scheduled broadcast alerts the admins; the broadcast does not start with it", async () => {
    await api("/api/templates", { as: editor, body: draft });
    const t0 = Math.floor(Date.now() / 1000);
    await status("APPROVED", t0);
    await seedCitizens([{ id: "a", waId: "436601", channels: ["ch_news"], lastInboundAt: Date.now() - 3 * 24 * 3_600_000 }]);
    const created = await api("/api/broadcasts", {
      as: editor,
      body: { title: "Wochenpost", kind: "newsletter", text: "y", channelIds: ["ch_news"], sendAt: Date.now() + 60_000, template: { name: "wochen_teaser", language: "de", parameters: ["z"] } },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const id = (await created.json<{ broadcast: { id: string } }>()).broadcast.id;
    await status("PAUSED", t0 + 5, "Qualität zu niedrig");
    const alerts = await env.DB.prepare("SELECT kind, message FROM admin_alerts WHERE acknowledged_at IS NULL").all<{ kind: string; message: string }>();
    expect(alerts.results.map((a) => a.message).join()).toMatch(/„wochen_teaser“ wurde von WhatsApp pausiert.*Wochenpost/);
    // Sending now is refused; the cron puts it back to draft with an alert instead of failing it.
    const now = await api(`/api/broadcasts/${id}/send`, { as: editor, method: "POST" });
    expect(now.status).toBe(422);
    expect(await now.json()).toMatchObject({ error: { code: "template_not_approved" } });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 120_000, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await broadcastStatus(id)).toBe("draft");
    expect(graph.messages()).toHaveLength(0);
  });
});

describe("the recommended set", () => {
  it("lists German templates that pass Meta's rules and submits one in one click (admins only)", async () => {
    const list = await (await api("/api/templates/recommended", { as: editor })).json<{ templates: { key: string; category: string; submitted: boolean }[] }>();
    expect(list.templates.map((t) => t.key)).toEqual(["newsletter_teaser", "dringende_info", "veranstaltung_erinnerung", "meldung_status"]);
    expect(list.templates.find((t) => t.key === "dringende_info")?.category).toBe("UTILITY");
    expect((await api("/api/templates/recommended/newsletter_teaser", { as: editor, method: "POST" })).status).toBe(403);
    const admin = await loginAs("admin");
    for (const t of list.templates) {
      const res = await api(`/api/templates/recommended/${t.key}`, { as: admin, method: "POST" });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    expect(graph.submittedTemplates).toHaveLength(4);
    const again = await (await api("/api/templates/recommended", { as: editor })).json<{ templates: { submitted: boolean }[] }>();
    expect(again.templates.every((t) => t.submitted)).toBe(true);
    expect((await api("/api/templates/recommended/gibts_nicht", { as: admin, method: "POST" })).status).toBe(404);
  });
});
