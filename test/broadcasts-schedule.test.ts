// Scheduling in Europe/Vienna, across the DST changes, and the cron that starts scheduled broadcasts.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSendAt, toViennaLocal, viennaOffset } from "../worker/broadcasts/vienna-time";
import worker from "../worker/index";
import { api, loginAs, type Session } from "./helpers/auth";
import { broadcastStatus, captureBroadcastQueue, drainQueue, resetPacer, seedChannel, seedCitizens } from "./helpers/broadcasts";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";

describe("Vienna wall-clock time → instant", () => {
  const at = (s: string) => {
    const r = parseSendAt(s);
    if (!r.ok) throw new Error(`${s}: ${r.reason}`);
    return new Date(r.epochMs).toISOString();
  };

  it("uses +01:00 in winter and +02:00 in summer", () => {
    expect(at("2027-01-15T09:00")).toBe("2027-01-15T08:00:00.000Z");
    expect(at("2027-07-15T09:00")).toBe("2027-07-15T07:00:00.000Z");
  });

  it("autumn 2026 (25 October, clocks go back 03:00 → 02:00)", () => {
    expect(at("2026-10-25T01:30")).toBe("2026-10-24T23:30:00.000Z");
    // 02:30 happens twice: the first one (still summer time) is meant.
    expect(at("2026-10-25T02:30")).toBe("2026-10-25T00:30:00.000Z");
    expect(at("2026-10-25T03:30")).toBe("2026-10-25T02:30:00.000Z");
    expect(at("2026-10-25T09:00")).toBe("2026-10-25T08:00:00.000Z");
    expect(at("2026-10-24T09:00")).toBe("2026-10-24T07:00:00.000Z");
  });

  it("spring 2027 (28 March, clocks jump 02:00 → 03:00): the missing hour is refused", () => {
    expect(at("2027-03-28T01:59")).toBe("2027-03-28T00:59:00.000Z");
    expect(parseSendAt("2027-03-28T02:00")).toEqual({ ok: false, reason: "nonexistent" });
    expect(parseSendAt("2027-03-28T02:30")).toEqual({ ok: false, reason: "nonexistent" });
    expect(at("2027-03-28T03:00")).toBe("2027-03-28T01:00:00.000Z");
    expect(at("2027-03-28T09:00")).toBe("2027-03-28T07:00:00.000Z");
  });

  it("takes explicit offsets and Z as they are, and refuses nonsense", () => {
    expect(at("2027-03-28T09:00:00+02:00")).toBe("2027-03-28T07:00:00.000Z");
    expect(at("2027-03-28T07:00:00Z")).toBe("2027-03-28T07:00:00.000Z");
    for (const bad of ["2027-02-30T09:00", "2027-03-28 09:00", "28.03.2027 09:00", "2027-03-28T25:00", ""]) {
      expect(parseSendAt(bad).ok, bad).toBe(false);
    }
  });

  it("shows instants as Vienna wall-clock time with the right offset", () => {
    expect(toViennaLocal(Date.UTC(2026, 9, 25, 0, 30))).toBe("2026-10-25T02:30");
    expect(toViennaLocal(Date.UTC(2026, 9, 25, 1, 30))).toBe("2026-10-25T02:30");
    expect(viennaOffset(Date.UTC(2026, 9, 25, 0, 30))).toBe("+02:00");
    expect(viennaOffset(Date.UTC(2026, 9, 25, 1, 30))).toBe("+01:00");
    expect(toViennaLocal(Date.UTC(2027, 2, 28, 1, 0))).toBe("2027-03-28T03:00");
  });
});

describe("scheduled broadcasts (API + cron)", () => {
  let graph: FakeGraph;
  let queue: ReturnType<typeof captureBroadcastQueue>;
  let editor: Session;

  beforeEach(async () => {
    await resetPacer();
    graph = installFakeGraph();
    queue = captureBroadcastQueue();
    editor = await loginAs("editor");
    await seedChannel("ch_news", "Newsletter");
    await seedCitizens([{ id: "a", waId: "436601", channels: ["ch_news"] }]);
  });
  afterEach(() => {
    graph.restore();
    queue.restore();
  });

  async function cron(at: number): Promise<void> {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  async function schedule(sendAt: string, kind = "newsletter") {
    const res = await api("/api/broadcasts", { as: editor, body: { title: `Um ${sendAt}`, kind, text: "Guten Morgen", channelIds: ["ch_news"], sendAt } });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json<{ broadcast: { id: string; status: string; sendAt: number; sendAtLocal: string } }>()).broadcast;
  }

  it("starts on the first cron run at or after 09:00 Vienna on the day summer time begins", async () => {
    const b = await schedule("2027-03-28T09:00");
    expect(b).toMatchObject({ status: "scheduled", sendAt: Date.UTC(2027, 2, 28, 7, 0), sendAtLocal: "2027-03-28T09:00" });
    await cron(Date.UTC(2027, 2, 28, 6, 59)); // 08:59 in Vienna
    expect(await broadcastStatus(b.id)).toBe("scheduled");
    await cron(Date.UTC(2027, 2, 28, 7, 0));
    expect(await broadcastStatus(b.id)).toBe("sending");
    await drainQueue(queue);
    expect(graph.messages()).toHaveLength(1);
    expect(await broadcastStatus(b.id)).toBe("done");
  });

  it("09:00 on the day winter time begins is 08:00 UTC, an hour later than the day before", async () => {
    const sunday = await schedule("2027-10-31T09:00");
    const saturday = await schedule("2027-10-30T09:00");
    expect(sunday.sendAt - saturday.sendAt).toBe(25 * 60 * 60_000);
    await cron(Date.UTC(2027, 9, 31, 7, 30)); // 08:30 in Vienna on Sunday: Saturday's is long due
    expect(await broadcastStatus(saturday.id)).toBe("sending");
    expect(await broadcastStatus(sunday.id)).toBe("scheduled");
    await cron(Date.UTC(2027, 9, 31, 8, 0));
    expect(await broadcastStatus(sunday.id)).toBe("sending");
  });

  it("refuses a time that does not exist in Vienna", async () => {
    const res = await api("/api/broadcasts", {
      as: editor,
      body: { title: "x", kind: "alert", text: "x", channelIds: ["ch_news"], sendAt: "2027-03-28T02:15" },
    });
    expect(res.status).toBe(422);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("nonexistent_time");
    expect(body.error.message).toContain("Sommerzeit");
  });

  it("refuses send times beyond the year 9999 (as number or text) with a 4xx, and the list keeps working", async () => {
    const body = (sendAt: unknown) => ({ title: "x", kind: "newsletter", text: "x", channelIds: ["ch_news"], sendAt });
    for (const sendAt of [2 ** 53 - 1, 8.64e15 + 1, 8.64e15, Date.UTC(10_000, 0, 1), "+275760-09-13T00:00Z", "10000-01-01T00:00"]) {
      const res = await api("/api/broadcasts", { as: editor, body: body(sendAt) });
      expect(res.status, String(sendAt)).toBeGreaterThanOrEqual(400);
      expect(res.status, String(sendAt)).toBeLessThan(500);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBeTruthy();
    }
    const latest = await schedule("9999-12-31T23:59");
    expect(latest.sendAtLocal).toBe("9999-12-31T23:59");
    const patched = await api(`/api/broadcasts/${latest.id}`, { as: editor, method: "PATCH", body: { sendAt: 2 ** 53 - 1 } });
    expect(patched.status).toBe(400);
    const list = await api("/api/broadcasts", { as: editor });
    expect(list.status).toBe(200);
    expect((await list.json<{ broadcasts: unknown[] }>()).broadcasts).toHaveLength(1);
  });
});
