// The staff API for channel calendars (PUT/GET/DELETE, URL calendars and their daily refresh, the
// street list, the newsletter draft from an events calendar) and the citizens' WANN / MÜLL replies.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createManualTemplate } from "../worker/templates/store";
import { refreshDueCalendars, saveCalendar } from "../worker/calendars/store";
import { addDays, germanDate, viennaDay } from "../worker/calendars/vienna-dates";
import { api, loginAs, type Session } from "./helpers/auth";
import { seedChannel, seedCitizens } from "./helpers/broadcasts";
import { activeChannels, citizenIdOf, consentRows, db, incomingText, runInboundJob } from "./helpers/citizens";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import broken from "./fixtures/calendars/broken.ics?raw";
import events from "./fixtures/calendars/events.ics?raw";

const TEMPLATE = { name: "abfuhr_erinnerung", language: "de" };
const dayCompact = (d: string) => d.replaceAll("-", "");
/** A weekly all-day collection starting tomorrow (Vienna; or `offset` days ahead), so the test does not age. */
function weeklyFromTomorrow(summary: string, uid = "w1", offset = 1): { ics: string; first: string } {
  const first = addDays(viennaDay(Date.now()), offset);
  const ics = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//DE",
    "BEGIN:VEVENT", `UID:${uid}`, `DTSTART;VALUE=DATE:${dayCompact(first)}`, "RRULE:FREQ=WEEKLY", `SUMMARY:${summary}`, "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n");
  return { ics, first };
}

interface ErrorBody {
  error: { code: string; message: string; details?: { line?: number; reason?: string } };
}

describe("PUT/GET/DELETE /api/channels/:id/calendar", () => {
  let editor: Session;
  beforeEach(async () => {
    editor = await loginAs("editor");
    await seedChannel("z2", "Müll Zone 2");
    await createManualTemplate(db(), { ...TEMPLATE, body: "Morgen: {{1}} ({{2}})." });
  });

  it("stores the calendar and answers with its events and the next reminder", async () => {
    // Three days ahead: its reminder (18:00 two days ahead) is still to come at any time of today.
    const { ics, first } = weeklyFromTomorrow("Gelber Sack", "w1", 3);
    const res = await api("/api/channels/z2/calendar", { as: editor, method: "PUT", body: { ics, leadMinutes: 360, template: TEMPLATE, kind: "waste" } });
    expect(res.status, await res.clone().text()).toBe(200);
    const { calendar } = await res.json<{ calendar: { events: { day: string }[]; next: { summary: string; start: number; remindAt: number; dayLabel: string } } }>();
    expect(calendar.events[0]!.day).toBe(first);
    expect(calendar.events.length).toBeGreaterThan(40);
    expect(calendar.next).toMatchObject({ summary: "Gelber Sack", dayLabel: germanDate(first) });
    expect(calendar.next.start - calendar.next.remindAt).toBeGreaterThan(0);

    // Only the lead time changes: the stored file is kept.
    const lead = await api("/api/channels/z2/calendar", { as: editor, method: "PUT", body: { leadMinutes: 720, template: TEMPLATE } });
    expect((await lead.json<{ calendar: { leadMinutes: number; events: unknown[] } }>()).calendar).toMatchObject({ leadMinutes: 720, events: expect.any(Array) });

    const get = await api("/api/channels/z2/calendar", { as: editor });
    expect((await get.json<{ calendar: { next: { summary: string } } }>()).calendar.next.summary).toBe("Gelber Sack");
    expect((await api("/api/channels/z2/calendar", { as: editor, method: "DELETE" })).status).toBe(200);
    expect((await api("/api/channels/z2/calendar", { as: editor })).status).toBe(404);
  });

  it("invalid ICS → 422 with the line and the reason in German; nothing is stored", async () => {
    const res = await api("/api/channels/z2/calendar", { as: editor, method: "PUT", body: { ics: broken, template: TEMPLATE } });
    expect(res.status).toBe(422);
    const body = await res.json<ErrorBody>();
    expect(body.error).toMatchObject({ code: "invalid_ics", details: { line: 7 } });
    expect(body.error.message).toMatch(/^Zeile 7: Doppelpunkt fehlt/);
    expect((await api("/api/channels/z2/calendar", { as: editor })).status).toBe(404);
  });

  it("bad input: no template for a waste calendar, unknown template, both ics and url, unknown channel, viewer", async () => {
    const { ics } = weeklyFromTomorrow("Restmüll");
    const put = (body: unknown, as = editor, channel = "z2") => api(`/api/channels/${channel}/calendar`, { as, method: "PUT", body });
    expect((await (await put({ ics })).json<ErrorBody>()).error.code).toBe("template_required");
    expect((await (await put({ ics, template: { name: "gibtsnicht", language: "de" } })).json<ErrorBody>()).error.code).toBe("unknown_template");
    expect((await put({ ics, url: "https://x.test/a.ics", template: TEMPLATE })).status).toBe(400);
    expect((await (await put({ template: TEMPLATE })).json<ErrorBody>()).error.code).toBe("ics_required");
    expect((await put({ ics, leadMinutes: -5, template: TEMPLATE })).status).toBe(400);
    expect((await put({ ics, template: TEMPLATE }, editor, "nope")).status).toBe(404);
    expect((await put({ ics, template: TEMPLATE }, await loginAs("agent"))).status).toBe(403);
  });
});

describe("URL calendars: fetched on setup and daily by the cron, with a clear error when that fails", () => {
  let editor: Session;
  let served: { status: number; body: string } | "down";
  let fetchSpy: ReturnType<typeof vi.spyOn>;
  beforeEach(async () => {
    editor = await loginAs("editor");
    await seedChannel("z2", "Müll Zone 2");
    await createManualTemplate(db(), { ...TEMPLATE, body: "Morgen: {{1}} ({{2}})." });
    served = { status: 200, body: weeklyFromTomorrow("Biotonne").ics };
    const original = globalThis.fetch;
    fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new Request(input, init).url;
      if (!url.startsWith("https://abfall.test/")) return original(input, init);
      if (served === "down") throw new TypeError("Network connection lost.");
      return new Response(served.body, { status: served.status, headers: { "content-type": "text/calendar" } });
    });
  });
  afterEach(() => fetchSpy.mockRestore());

  it("webcal:// is fetched over https; a failing URL on setup is a 422 in German", async () => {
    const ok = await api("/api/channels/z2/calendar", { as: editor, method: "PUT", body: { url: "webcal://abfall.test/zone2.ics", template: TEMPLATE } });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect((await ok.json<{ calendar: { url: string; next: { summary: string } } }>()).calendar).toMatchObject({ url: "https://abfall.test/zone2.ics", next: { summary: "Biotonne" } });
    served = { status: 404, body: "Not found" };
    const bad = await api("/api/channels/z2/calendar", { as: editor, method: "PUT", body: { url: "https://abfall.test/weg.ics", template: TEMPLATE } });
    expect(bad.status).toBe(422);
    expect((await bad.json<ErrorBody>()).error).toMatchObject({ code: "calendar_fetch_failed", message: expect.stringContaining("HTTP 404") });
  });

  it("the daily refresh keeps the last dates when the URL fails, shows why, and clears the error when it works again", async () => {
    const now = Date.now();
    await saveCalendar(db(), "z2", { kind: "waste", url: "https://abfall.test/zone2.ics", leadMinutes: 360, template: TEMPLATE }, { now });
    served = "down";
    expect(await refreshDueCalendars(db(), now + 60_000)).toEqual({ refreshed: [], failed: [] }); // not a day old yet
    const tomorrow = now + 86_400_000;
    expect(await refreshDueCalendars(db(), tomorrow)).toEqual({ refreshed: [], failed: ["z2"] });
    const view = await (await api("/api/channels/z2/calendar", { as: editor })).json<{ calendar: { error: string; events: unknown[] } }>();
    expect(view.calendar.error).toMatch(/^Der Kalender unter https:\/\/abfall\.test\/zone2\.ics ist nicht erreichbar/);
    expect(view.calendar.events.length).toBeGreaterThan(0);
    // Another run the same day does not fetch again; the next day it does.
    expect(await refreshDueCalendars(db(), tomorrow + 60_000)).toEqual({ refreshed: [], failed: [] });
    served = { status: 200, body: weeklyFromTomorrow("Biotonne neu", "w2").ics };
    expect(await refreshDueCalendars(db(), tomorrow + 86_400_000)).toEqual({ refreshed: ["z2"], failed: [] });
    const after = await (await api("/api/channels/z2/calendar", { as: editor })).json<{ calendar: { error: string | null; events: { summary: string }[] } }>();
    expect(after.calendar.error).toBeNull();
    expect(after.calendar.events.every((e) => e.summary === "Biotonne neu")).toBe(true);
  });

  it("a server answering with HTML instead of ICS: the daily refresh records the line error", async () => {
    const now = Date.now();
    await saveCalendar(db(), "z2", { kind: "waste", url: "https://abfall.test/zone2.ics", leadMinutes: 360, template: TEMPLATE }, { now });
    served = { status: 200, body: "<html><body>Wartungsarbeiten</body></html>" };
    expect((await refreshDueCalendars(db(), now + 86_400_000)).failed).toEqual(["z2"]);
    const row = await env.DB.prepare("SELECT error FROM channel_calendars").first<{ error: string }>();
    expect(row?.error).toContain("Zeile 1: Die Datei beginnt nicht mit BEGIN:VCALENDAR");
  });
});

describe("citizens ask WANN / MÜLL, and MÜLL + street picks the zone", () => {
  let graph: FakeGraph;
  let editor: Session;
  const lastText = () => (graph.messages().at(-1)?.body as { text?: { body: string } }).text?.body ?? "";

  beforeEach(async () => {
    graph = installFakeGraph();
    editor = await loginAs("editor");
    await seedChannel("z1", "Müll Zone 1");
    await seedChannel("z2", "Müll Zone 2");
    await createManualTemplate(db(), { ...TEMPLATE, body: "Morgen: {{1}} ({{2}})." });
    await saveCalendar(db(), "z1", { kind: "waste", ics: weeklyFromTomorrow("Restmüll").ics, leadMinutes: 360, template: TEMPLATE });
    await saveCalendar(db(), "z2", { kind: "waste", ics: weeklyFromTomorrow("Gelber Sack").ics, leadMinutes: 360, template: TEMPLATE });
    await seedCitizens([{ id: "zweier", waId: "436650000002", channels: ["z2"] }]);
  });
  afterEach(() => graph.restore());

  it("WANN answers with the next dates of the citizen's own zone only", async () => {
    const id = await incomingText("Wann?", { from: "436650000002" });
    expect(await runInboundJob(id)).toBe("ack");
    const text = lastText();
    expect(text).toContain("*Müll Zone 2*");
    expect(text).toContain(`• ${germanDate(addDays(viennaDay(Date.now()), 1))}: Gelber Sack`);
    expect(text).not.toContain("Zone 1");
    expect(text).not.toContain("Restmüll");
  });

  it("MÜLL + a street of the list subscribes to that zone (with consent record) and lists its dates", async () => {
    const res = await api("/api/calendars/streets", { as: editor, method: "PUT", body: { csv: "Straße;Kanal\nBahnstraße;Müll Zone 2\nHauptplatz;z1\n" } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json<{ streets: unknown[] }>()).streets).toHaveLength(2);

    const id = await incomingText("MÜLL bahnstr. 12", { from: "436650000009" });
    expect(await runInboundJob(id)).toBe("ack");
    const citizen = await citizenIdOf("436650000009");
    expect(await activeChannels(citizen)).toEqual(["z2"]);
    expect((await consentRows(citizen)).map((r) => [r.channel_id, r.action, r.source])).toEqual([["z2", "subscribe", "whatsapp_keyword"]]);
    expect(lastText()).toContain("Bahnstraße gehört zu Müll Zone 2");
    expect(lastText()).toContain("Gelber Sack");
  });

  it("anything else stays a message for the staff inbox", async () => {
    await api("/api/calendars/streets", { as: editor, method: "PUT", body: { csv: "Bahnstraße;Müll Zone 2" } });
    for (const text of ["Wann ist das Gemeindeamt offen?", "Müll wurde nicht abgeholt", "MÜLL Nirgendwogasse"]) {
      const id = await incomingText(text, { from: "436650000002" });
      await runInboundJob(id);
    }
    expect(graph.messages()).toHaveLength(0);
  });

  it("a broken street list → 422 with the line", async () => {
    const res = await api("/api/calendars/streets", { as: editor, method: "PUT", body: { csv: "Bahnstraße;Müll Zone 2\nAugasse;Zone 9\n" } });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error).toMatchObject({ code: "invalid_street_list", message: "Zeile 2: Kanal „Zone 9“ gibt es nicht (Name oder Kennung eines offenen Kanals)" });
  });
});

describe("Neuer Entwurf aus dem Kalender", () => {
  it("fills a newsletter draft with next week's events (date, time, place, title); nothing is sent", async () => {
    await seedChannel("ev", "Veranstaltungen");
    await seedChannel("z2", "Müll Zone 2");
    const editor = await loginAs("editor");
    // Wednesday 2 Dec 2026: next week is Monday 7 – Sunday 13 December.
    await saveCalendar(db(), "ev", { kind: "events", ics: events, leadMinutes: 0, template: null }, { now: Date.UTC(2026, 11, 2, 9) });
    const { draftFromCalendar } = await import("../worker/calendars/newsletter-draft");
    const b = await draftFromCalendar(db(), "ev", editor.staff.id, Date.UTC(2026, 11, 2, 9));
    expect(b).toMatchObject({ kind: "newsletter", status: "draft", channelIds: ["ev"], title: "Veranstaltungen 7. Dezember – 13. Dezember" });
    expect(b.text).toBe(
      [
        "*Veranstaltungen von 7. Dezember bis 13. Dezember*",
        "",
        "*Montag, 7. Dezember*",
        "• 19:00 Uhr: Adventkonzert der Musikschule – Pfarrkirche Musterdorf",
        "",
        "*Donnerstag, 10. Dezember*",
        "• ganztägig: Amtstag im Gemeindeamt",
        "",
        "*Samstag, 12. Dezember*",
        "• 10:00 Uhr: Adventmarkt – Hauptplatz",
      ].join("\n"),
    );
    // Through the API too (a waste calendar cannot draft).
    const res = await api("/api/channels/ev/calendar/draft", { as: editor, method: "POST" });
    expect([201, 422]).toContain(res.status); // depends on whether the real "next week" has events
    const { ics } = weeklyFromTomorrow("Restmüll");
    await createManualTemplate(db(), { ...TEMPLATE, body: "Morgen: {{1}} ({{2}})." });
    await saveCalendar(db(), "z2", { kind: "waste", ics, leadMinutes: 360, template: TEMPLATE });
    const waste = await api("/api/channels/z2/calendar/draft", { as: editor, method: "POST" });
    expect((await waste.json<ErrorBody>()).error.code).toBe("not_an_events_calendar");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM broadcasts WHERE status != 'draft'").first<{ n: number }>()).toEqual({ n: 0 });
  });
});
