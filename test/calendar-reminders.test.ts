// The minute cron sends each calendar day's reminder exactly once, to that zone's subscribers only,
// on time (Vienna wall clock), and skips (and records) a reminder that would be more than 2 hours late.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lifecycleDeps } from "../worker/broadcasts/lifecycle";
import { createManualTemplate } from "../worker/templates/store";
import { runReminders } from "../worker/calendars/reminders";
import { deleteCalendar, saveCalendar } from "../worker/calendars/store";
import { getDb } from "../worker/db/client";
import worker from "../worker/index";
import { captureBroadcastQueue, drainQueue, recipientRows, resetPacer, seedChannel, seedCitizens } from "./helpers/broadcasts";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import zone1 from "./fixtures/calendars/waste-zone1.ics?raw";
import zone2 from "./fixtures/calendars/waste-zone2.ics?raw";

const UPLOADED = Date.UTC(2026, 10, 29, 12, 0); // Sunday 29 Nov 2026, 13:00 Vienna
/** Monday 30 Nov 2026, 18:00 Vienna: 6 hours before Tuesday's (1 Dec) collection in Zone 2. */
const MONDAY_18 = Date.UTC(2026, 10, 30, 17, 0);
const TEMPLATE = { name: "abfuhr_erinnerung", language: "de" };

interface ReminderBroadcast {
  id: string;
  title: string;
  kind: string;
  text: string;
  template: string;
  channel_ids: string;
  status: string;
}
const reminderBroadcasts = async () =>
  (await env.DB.prepare("SELECT id, title, kind, text, template, channel_ids, status FROM broadcasts WHERE kind = 'reminder' ORDER BY created_at, id").all<ReminderBroadcast>()).results;
const reminderRows = async () =>
  (await env.DB.prepare("SELECT channel_id, day, status, broadcast_id, summary, reason FROM calendar_reminders ORDER BY channel_id, day").all()).results;

describe("calendar reminders (cron)", () => {
  let graph: FakeGraph;
  let queue: ReturnType<typeof captureBroadcastQueue>;
  const db = () => getDb(env.DB);

  beforeEach(async () => {
    await resetPacer();
    graph = installFakeGraph();
    queue = captureBroadcastQueue();
    await seedChannel("z1", "Müll Zone 1");
    await seedChannel("z2", "Müll Zone 2");
    await seedChannel("news", "Newsletter");
    await seedCitizens([
      { id: "anna", waId: "436601000001", channels: ["z1", "news"] },
      { id: "bert", waId: "436601000002", channels: ["z2"] },
      // Wrote three days ago: outside the 24-hour window, so only the template reaches her.
      { id: "cora", waId: "436601000003", channels: ["z2", "news"], lastInboundAt: Date.now() - 3 * 86_400_000 },
      { id: "dora", waId: "436601000004", left: ["z2"] },
    ]);
    await createManualTemplate(db(), { ...TEMPLATE, body: "Morgen: {{1}} ({{2}}). Bitte bis 6 Uhr bereitstellen.", category: "UTILITY" });
    await saveCalendar(db(), "z1", { kind: "waste", ics: zone1, leadMinutes: 360, template: TEMPLATE }, { now: UPLOADED });
    await saveCalendar(db(), "z2", { kind: "waste", ics: zone2, leadMinutes: 360, template: TEMPLATE }, { now: UPLOADED });
  });
  afterEach(() => {
    graph.restore();
    queue.restore();
  });

  it("nothing before the reminder time; at 18:00 the evening before, one message for the day to Zone 2 only", async () => {
    const deps = lifecycleDeps(env);
    expect((await runReminders(deps, MONDAY_18 - 60_000)).sent.filter((s) => s.channelId === "z2")).toEqual([]);
    const run = await runReminders(deps, MONDAY_18);
    expect(run.sent).toEqual([{ channelId: "z2", day: "2026-12-01", broadcastId: expect.any(String) }]);

    const [b] = await reminderBroadcasts();
    expect(b).toMatchObject({ kind: "reminder", status: "sending", channel_ids: '["z2"]' });
    // Two events on one day → one message; {{1}} the summaries, {{2}} the German date.
    expect(JSON.parse(b!.template)).toEqual({ ...TEMPLATE, parameters: ["Altpapier, Gelber Sack", "Dienstag, 1. Dezember"] });
    expect(b!.text).toBe("Morgen: Altpapier, Gelber Sack (Dienstag, 1. Dezember). Bitte bis 6 Uhr bereitstellen.");
    expect((await recipientRows(b!.id)).map((r) => r.citizen_id)).toEqual(["bert", "cora"]);

    await drainQueue(queue);
    const sent = graph.messages();
    expect(sent.map((m) => m.body.to).sort()).toEqual(["436601000002", "436601000003"]);
    // delivery "auto": Cora (outside the window) gets the template, Bert (wrote an hour ago) the same words as text.
    expect(sent.find((m) => m.body.to === "436601000003")!.body).toMatchObject({
      type: "template",
      template: { name: "abfuhr_erinnerung", language: { code: "de" } },
    });
    expect(sent.find((m) => m.body.to === "436601000002")!.body).toMatchObject({
      type: "text",
      text: { body: "Morgen: Altpapier, Gelber Sack (Dienstag, 1. Dezember). Bitte bis 6 Uhr bereitstellen." },
    });
  });

  it("two overlapping cron runs, a redelivery and a restart: each day is reminded exactly once", async () => {
    const deps = lifecycleDeps(env);
    const [a, b] = await Promise.all([runReminders(deps, MONDAY_18), runReminders(lifecycleDeps(env), MONDAY_18 + 1)]);
    expect([...a.sent, ...b.sent].filter((s) => s.channelId === "z2")).toHaveLength(1);
    // The next minutes (and a run with the same scheduled time again) find nothing left to do.
    for (const t of [MONDAY_18, MONDAY_18 + 60_000, MONDAY_18 + 30 * 60_000]) {
      expect((await runReminders(lifecycleDeps(env), t)).sent).toEqual([]);
    }
    await drainQueue(queue);
    expect(await count("broadcasts", "kind = 'reminder'")).toBe(1);
    expect(graph.messages()).toHaveLength(2);
    // Re-uploading the calendar does not send the same day again.
    await saveCalendar(db(), "z2", { kind: "waste", ics: zone2, leadMinutes: 360, template: TEMPLATE }, { now: MONDAY_18 + 60 * 60_000 });
    expect((await runReminders(lifecycleDeps(env), MONDAY_18 + 61 * 60_000)).sent).toEqual([]);
  });

  it("through the Worker's scheduled handler (the real minute cron)", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: MONDAY_18, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await reminderBroadcasts()).map((b) => b.channel_ids)).toEqual(['["z2"]']);
  });

  it("more than 2 hours late: skipped and recorded, not sent; up to 2 hours late: still sent", async () => {
    // Zone 1's Monday (30 Nov) collection was due Sunday 18:00 – the cron only runs Monday 18:00.
    const run = await runReminders(lifecycleDeps(env), MONDAY_18);
    expect(run.skipped).toEqual([{ channelId: "z1", day: "2026-11-30" }]);
    const rows = await reminderRows();
    expect(rows.find((r) => r.channel_id === "z1")).toMatchObject({ status: "skipped", broadcast_id: null, summary: "Gelber Sack" });
    expect(String(rows.find((r) => r.channel_id === "z1")!.reason)).toContain("zu spät");
    expect(await count("broadcasts", "channel_ids = '[\"z1\"]'")).toBe(0);

    // Wednesday's Biotonne (Zone 2) reminder is due Tuesday 18:00; the cron comes back at 19:59 – 1 h 59 min late.
    const tuesday1959 = Date.UTC(2026, 11, 1, 18, 59);
    expect((await runReminders(lifecycleDeps(env), tuesday1959)).sent.map((s) => s.day)).toEqual(["2026-12-02"]);
    // Thursday's Restmüll in Zone 1 (3 Dec) due Wednesday 18:00; cron back at 20:01 – skipped.
    const wednesday2001 = Date.UTC(2026, 11, 2, 19, 1);
    const late = await runReminders(lifecycleDeps(env), wednesday2001);
    expect(late.skipped).toContainEqual({ channelId: "z1", day: "2026-12-03" });
    expect(late.sent.map((s) => s.day)).not.toContain("2026-12-03");
  });

  it("a template that is no longer approved: not claimed, the error shows on the calendar, sent once fixed", async () => {
    await env.DB.prepare("UPDATE templates SET status = 'PAUSED' WHERE name = ?").bind(TEMPLATE.name).run();
    expect((await runReminders(lifecycleDeps(env), MONDAY_18)).sent).toEqual([]);
    const err = await env.DB.prepare("SELECT error FROM channel_calendars WHERE channel_id = 'z2'").first<{ error: string }>();
    expect(err?.error).toContain("nicht genehmigt");
    await env.DB.prepare("UPDATE templates SET status = 'APPROVED' WHERE name = ?").bind(TEMPLATE.name).run();
    expect((await runReminders(lifecycleDeps(env), MONDAY_18 + 60_000)).sent).toHaveLength(1);
    expect((await env.DB.prepare("SELECT error FROM channel_calendars WHERE channel_id = 'z2'").first<{ error: string | null }>())?.error).toBeNull();
  });

  it("a timed event later on the same day is in the day's one message, sent at the earliest reminder time", async () => {
    await seedChannel("z3", "Müll Zone 3");
    await seedCitizens([{ id: "emil", waId: "436601000005", channels: ["z3"] }]);
    const ics = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//DE",
      "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Europe/Vienna:20261203T100000", "SUMMARY:Sperrmüll", "END:VEVENT",
      "BEGIN:VEVENT", "UID:b", "DTSTART;VALUE=DATE:20261203", "SUMMARY:Restmüll", "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    await saveCalendar(db(), "z3", { kind: "waste", ics, leadMinutes: 360, template: TEMPLATE }, { now: UPLOADED });
    // Wednesday 18:00 Vienna: the all-day event's time; the timed one's own reminder would be 04:00 Thursday.
    const run = await runReminders(lifecycleDeps(env), Date.UTC(2026, 11, 2, 17, 0));
    expect(run.sent.filter((s) => s.channelId === "z3")).toHaveLength(1);
    const b = (await reminderBroadcasts()).find((x) => x.channel_ids === '["z3"]')!;
    expect(JSON.parse(b.template).parameters).toEqual(["Restmüll, Sperrmüll", "Donnerstag, 3. Dezember"]);
    expect((await runReminders(lifecycleDeps(env), Date.UTC(2026, 11, 3, 3, 0))).sent.filter((s) => s.channelId === "z3")).toEqual([]);
  });

  it("an archived channel or a deleted calendar sends nothing", async () => {
    await env.DB.prepare("UPDATE channels SET archived = 1 WHERE id = 'z2'").run();
    expect((await runReminders(lifecycleDeps(env), MONDAY_18)).sent).toEqual([]);
    await env.DB.prepare("UPDATE channels SET archived = 0 WHERE id = 'z2'").run();
    await deleteCalendar(db(), "z2");
    expect((await runReminders(lifecycleDeps(env), MONDAY_18)).sent).toEqual([]);
    expect(await count("calendar_events", "channel_id = 'z2'")).toBe(0);
  });
});
