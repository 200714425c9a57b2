// The broadcasts API: who may do what, input checks, editing until the start, list, duplicate, estimate.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, loginAs } from "./helpers/auth";
import { seedCitizens } from "./helpers/broadcasts";
import { editor, useBroadcastFixture } from "./helpers/broadcast-fixture";

useBroadcastFixture([
  ["ch_news", "Newsletter"],
  ["ch_events", "Events"],
  ["ch_old", "Alt", true],
]);

const valid = { title: "Gemeindezeitung Juni", kind: "newsletter", text: "*Neu*: Sprechstunden\n_ab Montag_", channelIds: ["ch_news"] };

interface View {
  id: string;
  title: string;
  status: string;
  kind: string;
  text: string;
  channelIds: string[];
  sendAt: number | null;
  sendAtLocal: string | null;
  counts: Record<string, number>;
}

async function create(body: Record<string, unknown> = valid, as = editor): Promise<View> {
  const res = await api("/api/broadcasts", { as, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ broadcast: View }>()).broadcast;
}

describe("access", () => {
  it("needs a session, an editor for changes, and our own Origin", async () => {
    expect((await api("/api/broadcasts")).status).toBe(401);
    const agent = await loginAs("agent");
    expect((await api("/api/broadcasts", { as: agent })).status).toBe(200);
    expect((await api("/api/broadcasts", { as: agent, body: valid })).status).toBe(403);
    const b = await create();
    expect((await api(`/api/broadcasts/${b.id}/send`, { as: agent, method: "POST" })).status).toBe(403);
    expect((await api(`/api/broadcasts/${b.id}`, { as: agent, method: "PATCH", body: { title: "x" } })).status).toBe(403);
    expect((await api("/api/dead-letters", { as: agent })).status).toBe(403);
    const foreign = await api("/api/broadcasts", { as: editor, body: valid, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: "bad_origin" } });
    const admin = await loginAs("admin");
    expect((await api("/api/broadcasts", { as: admin, body: valid })).status).toBe(201);
  });
});

describe("create", () => {
  it("creates a draft without sendAt and returns it with empty counts", async () => {
    const b = await create();
    expect(b).toMatchObject({ title: "Gemeindezeitung Juni", kind: "newsletter", status: "draft", sendAt: null, channelIds: ["ch_news"] });
    expect(b.counts).toMatchObject({ recipients: 0, sent: 0 });
  });

  it("answers bad input with 400: a German sentence, the field only in the details", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, title: "  " }, "title"],
      [{ ...valid, kind: "werbung" }, "kind"],
      [{ ...valid, channelIds: [] }, "channelIds"],
      [{ ...valid, channelIds: "ch_news" }, "channelIds"],
      [{ ...valid, extra: 1 }, ""],
      [{ ...valid, text: "x".repeat(4097) }, "text"],
      [{ ...valid, sendAt: "morgen früh" }, "sendAt"],
      [{ ...valid, template: { name: "x" } }, "template"],
    ];
    for (const [body, field] of cases) {
      const res = await api("/api/broadcasts", { as: editor, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const err = await res.json<{ error: { code: string; message: string; details?: { issues?: { path: string }[] } } }>();
      expect(err.error.code).toBe("bad_request");
      expect(err.error.message).toMatch(/^[A-ZÄÖÜ].*[.)]$/);
      if (field) expect(err.error.message).not.toContain(field);
      if (field && field !== "sendAt") expect(err.error.details?.issues?.map((i) => i.path.split(".")[0])).toContain(field);
    }
    const notJson = await api("/api/broadcasts", { as: editor, method: "POST", body: undefined, headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
  });

  it("answers impossible content with 422", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, channelIds: ["ch_nope"] }, "unknown_channel"],
      [{ ...valid, channelIds: ["ch_old"] }, "unknown_channel"],
      [{ ...valid, text: "   " }, "text_required"],
      [{ ...valid, sendAt: "2020-01-01T09:00" }, "send_at_in_past"],
      [{ ...valid, sendAt: "2027-03-28T02:30" }, "nonexistent_time"],
    ];
    for (const [body, code] of cases) {
      const res = await api("/api/broadcasts", { as: editor, body });
      expect(res.status, code).toBe(422);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
  });
});

describe("edit until it starts", () => {
  it("edits a draft, schedules it, unschedules it, and refuses once it started", async () => {
    const b = await create();
    const patch = (body: unknown) => api(`/api/broadcasts/${b.id}`, { as: editor, method: "PATCH", body });
    let res = await patch({ title: "Gemeindezeitung Juli", channelIds: ["ch_news", "ch_events"] });
    expect(res.status).toBe(200);
    expect((await res.json<{ broadcast: View }>()).broadcast).toMatchObject({ title: "Gemeindezeitung Juli", channelIds: ["ch_news", "ch_events"], status: "draft" });
    res = await patch({ sendAt: "2027-07-01T08:00" });
    expect((await res.json<{ broadcast: View }>()).broadcast).toMatchObject({ status: "scheduled", sendAtLocal: "2027-07-01T08:00", sendAt: Date.UTC(2027, 6, 1, 6) });
    res = await patch({ sendAt: null });
    expect((await res.json<{ broadcast: View }>()).broadcast).toMatchObject({ status: "draft", sendAt: null });
    expect((await patch({ kind: "spam" })).status).toBe(400);
    expect((await patch({ channelIds: ["ch_nope"] })).status).toBe(422);
    expect((await api(`/api/broadcasts/${b.id}/send`, { as: editor, method: "POST" })).status).toBe(200);
    res = await patch({ text: "zu spät" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "already_started" } });
  });

  it("cancels a scheduled broadcast, which the cron then never starts", async () => {
    await seedCitizens([{ id: "a", channels: ["ch_news"] }]);
    const b = await create({ ...valid, sendAt: "2027-07-01T08:00" });
    const res = await api(`/api/broadcasts/${b.id}/cancel`, { as: editor, method: "POST" });
    expect((await res.json<{ broadcast: View }>()).broadcast.status).toBe("cancelled");
    expect((await api(`/api/broadcasts/${b.id}`, { as: editor, method: "PATCH", body: { title: "x" } })).status).toBe(409);
  });

  it("404s unknown broadcasts and 400s malformed ids", async () => {
    expect((await api("/api/broadcasts/doesnotexist1", { as: editor })).status).toBe(404);
    expect((await api("/api/broadcasts/doesnotexist1/send", { as: editor, method: "POST" })).status).toBe(404);
    expect((await api("/api/broadcasts/Bad%20Id", { as: editor })).status).toBe(400);
  });
});

describe("list, detail, duplicate", () => {
  it("lists newest first with counts and pages with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create({ ...valid, title: `Nr ${i}` })).id);
    const first = await (await api("/api/broadcasts?limit=3", { as: editor })).json<{ broadcasts: View[]; nextCursor: string | null }>();
    expect(first.broadcasts.map((b) => b.title)).toEqual(["Nr 4", "Nr 3", "Nr 2"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await (
      await api(`/api/broadcasts?limit=3&cursor=${encodeURIComponent(first.nextCursor!)}`, { as: editor })
    ).json<{ broadcasts: View[]; nextCursor: string | null }>();
    expect(second.broadcasts.map((b) => b.title)).toEqual(["Nr 1", "Nr 0"]);
    expect(second.nextCursor).toBeNull();
    const drafts = await (await api("/api/broadcasts?status=done", { as: editor })).json<{ broadcasts: View[] }>();
    expect(drafts.broadcasts).toHaveLength(0);
    expect((await api("/api/broadcasts?status=weird", { as: editor })).status).toBe(400);
    expect((await api("/api/broadcasts?limit=0", { as: editor })).status).toBe(400);
  });

  it("duplicates a past broadcast as a new draft", async () => {
    await seedCitizens([{ id: "a", channels: ["ch_news"] }]);
    const b = await create({ ...valid, kind: "alert" });
    await api(`/api/broadcasts/${b.id}/send`, { as: editor, method: "POST" });
    const res = await api(`/api/broadcasts/${b.id}/duplicate`, { as: editor, method: "POST" });
    expect(res.status).toBe(201);
    const copy = (await res.json<{ broadcast: View }>()).broadcast;
    expect(copy).toMatchObject({ title: "Gemeindezeitung Juni (Kopie)", kind: "alert", text: valid.text, channelIds: ["ch_news"], status: "draft" });
    expect(copy.id).not.toBe(b.id);
    expect(copy.counts.recipients).toBe(0);
  });
});

describe("estimate and settings", () => {
  it("counts distinct reachable citizens and reports the tier", async () => {
    await seedCitizens([
      { id: "a", channels: ["ch_news", "ch_events"] },
      { id: "b", channels: ["ch_events"] },
      { id: "c", left: ["ch_news"] },
      { id: "d", channels: ["ch_news"], erased: true },
    ]);
    const est = await (await api("/api/broadcasts/estimate?channelIds=ch_news,ch_events", { as: editor })).json();
    expect(est).toEqual({
      recipients: 2,
      tier: "unlimited",
      usedLast24h: 0,
      available: null,
      overTier: 0,
      warning: null,
      // Both wrote an hour ago (the fixture's default): no template needed, nothing to pay.
      insideWindow: 2,
      outsideWindow: 0,
      cost: { currency: "EUR", category: "MARKETING", perMessage: expect.any(Number), templateMessages: 0, billableMessages: 0, total: 0 },
    });
    const none = await (await api("/api/broadcasts/estimate", { as: editor })).json();
    expect(none).toMatchObject({ recipients: 0 });
    const settings = await (await api("/api/broadcasts/settings", { as: editor })).json();
    expect(settings).toMatchObject({ tier: "unlimited", ratePerSecond: 80, usedLast24h: 0 });
    const admin = await loginAs("admin");
    expect((await api("/api/broadcasts/settings", { as: admin, method: "PUT", body: { tier: -5 } })).status).toBe(400);
    expect((await api("/api/broadcasts/settings", { as: admin, method: "PUT", body: { tier: 2000 } })).status).toBe(200);
    const after = await (await api("/api/broadcasts/settings", { as: editor })).json();
    expect(after).toMatchObject({ tier: 2000 });
  });

  it("lists dead letters newest first", async () => {
    await env.DB.prepare("INSERT INTO dead_letters (queue, body) VALUES ('townwire-jobs', '{\"type\":\"media.fetch\"}')").run();
    const res = await api("/api/dead-letters", { as: editor });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deadLetters: [{ queue: "townwire-jobs", broadcast: null }], nextCursor: null });
    expect((await api("/api/dead-letters?limit=abc", { as: editor })).status).toBe(400);
  });
});
