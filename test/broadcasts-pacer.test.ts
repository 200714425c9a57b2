// The pacer hands out permits (start times), the senders send at them: never above the rate in any
// one-second window, whatever the answer times; close to the rate; alerts first; slowing down on
// sustained rate limits; withdrawal on pause/cancel; a clock that survives a restart.
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HORIZON_MS, NETWORK_JITTER_MS, PaceWindow, START_SLACK_MS } from "../worker/broadcasts/pace-window";
import { pacerOf, PRIORITY_YIELD_MS, type PacedRequest } from "../worker/broadcasts/pacer";
import { sendPaced } from "../worker/broadcasts/sender";
import { resetPacer } from "./helpers/broadcasts";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";

/** Largest number of timestamps in any half-open window [t, t + 1000). */
function maxPerSecond(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Tiny seeded PRNG: the simulations are the same on every run. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

/**
 * Senders working the pacer's clock for `ms` of simulated time: each asks for permits every
 * millisecond, starts its request `lateness(now)` ms after the permit's time (a busy isolate, a late
 * timer) and gives the permit up if that is past the permit's slack, telling the pacer how late it
 * was. Returns the starts, and when they reached WhatsApp (`oneWay()` later).
 */
function simulate(w: PaceWindow, rate: number, ms: number, lateness: (now: number) => number, oneWay: () => number = () => 0, start = 1_000_000) {
  const starts: number[] = [];
  const arrivals: number[] = [];
  let dropped = 0;
  for (let now = start; now < start + ms; now++) {
    const slack = w.state.slack;
    for (const t of w.grant(now, rate, 1_000)) {
      const at = t + lateness(now);
      if (at > t + slack) {
        dropped++;
        w.late(now, [at - t - slack]);
        continue;
      }
      starts.push(at);
      arrivals.push(at + oneWay());
    }
  }
  const inRun = (list: number[]) => list.filter((t) => t < start + ms);
  return { starts: inRun(starts), arrivals: inRun(arrivals), dropped };
}

const random = prng(42);

describe("PaceWindow (the permit clock)", () => {
  it("never more than the rate in any one-second window of starts, and close to it", () => {
    for (const rate of [80, 100, 1000, 7]) {
      const { starts } = simulate(new PaceWindow(), rate, 20_000, () => random() * START_SLACK_MS);
      expect(maxPerSecond(starts), `rate ${rate}`).toBeLessThanOrEqual(rate);
      // The clock keeps room for the slack and the jitter: (1000 + 25 + 50) / rate apart, 93 % of the rate.
      expect(starts.length / 20, `rate ${rate}`).toBeGreaterThanOrEqual(Math.floor(rate * 0.92));
    }
  });

  it("a permit that cannot be used in time is given up, and the slack widens to cover late starts: never above the bound", () => {
    // Every 10th start would be 40–80 ms late (a stalled event loop).
    let n = 0;
    const w = new PaceWindow();
    const { starts, dropped } = simulate(w, 100, 20_000, () => (++n % 10 === 0 ? 40 + random() * 40 : random() * 10));
    expect(maxPerSecond(starts)).toBeLessThanOrEqual(100);
    // A few are given up, then the slack covers them: no collapse.
    expect(dropped).toBeLessThan(60); // of about 190 late ones
    expect(w.state.slack).toBeGreaterThan(START_SLACK_MS);
    expect(starts.length / 20).toBeGreaterThanOrEqual(85);
  });

  it("an overloaded machine (starts up to 300 ms late) still gets most of the rate, never more", () => {
    const { starts } = simulate(new PaceWindow(), 100, 20_000, () => random() * 300);
    expect(maxPerSecond(starts)).toBeLessThanOrEqual(100);
    expect(starts.length / 20).toBeGreaterThanOrEqual(65);
  });

  it("the slack shrinks back once starts are on time again, and the bound holds while it shrinks", () => {
    const w = new PaceWindow();
    // Late for the first 5 s, on time afterwards.
    const { starts } = simulate(w, 100, 20_000, (now) => (now < 1_005_000 ? random() * 200 : random() * 5));
    expect(maxPerSecond(starts)).toBeLessThanOrEqual(100);
    expect(w.state.slack).toBe(START_SLACK_MS);
  });

  it("stays within the rate at WhatsApp when the one-way time varies by up to NETWORK_JITTER_MS", () => {
    const { arrivals } = simulate(
      new PaceWindow(),
      100,
      20_000,
      () => random() * START_SLACK_MS,
      () => 40 + random() * NETWORK_JITTER_MS,
    );
    expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(100);
  });

  it("hands out permits evenly and at most HORIZON_MS ahead; an idle clock starts at now, without a burst", () => {
    const w = new PaceWindow();
    const now = 5_000_000;
    const times = w.grant(now, 100, 1_000);
    expect(times[0]).toBe(now);
    const spacing = (1000 + START_SLACK_MS + NETWORK_JITTER_MS) / 100;
    expect(times[1]! - times[0]!).toBeCloseTo(spacing, 5);
    expect(times[times.length - 1]).toBeLessThanOrEqual(now + HORIZON_MS);
    // Nothing more until the clock is within the horizon again.
    expect(w.grant(now + 1, 100, 5)).toEqual([]);
    expect(w.grantableAt()).toBeGreaterThan(now);
    // After a pause of a minute: from now, one permit at a time, not a minute's worth at once.
    const later = w.grant(now + 60_000, 100, 1_000);
    expect(later[0]).toBe(now + 60_000);
    expect(later.length).toBeLessThanOrEqual(Math.floor(HORIZON_MS / spacing) + 1);
  });

  it("ignores isolated 429s but halves the rate when many requests are refused, then recovers", () => {
    const w = new PaceWindow();
    const now = 1_000_000;
    // 5 % refused: normal noise, no slowdown.
    for (let i = 0; i < 5; i++) expect(w.rateLimited(now, 130429, 100)).toBe(false);
    expect(w.factorAt(now)).toBe(1);
    // A third refused: WhatsApp really wants less.
    for (let i = 0; i < 30; i++) w.rateLimited(now, 130429, 100);
    expect(w.factorAt(now)).toBe(0.5);
    expect(w.capacity(100, now)).toBe(50);
    // A pause follows, then it recovers step by step: full speed again five seconds later.
    expect(w.grant(now + 1, 100, 1)).toEqual([]);
    expect(w.grant(now + 1000, 100, 1)[0]).toBeGreaterThanOrEqual(now + 1000);
    expect(w.factorAt(now + 5_000)).toBe(1);
  });

  it("halves at once for account-wide limits (80007)", () => {
    const w = new PaceWindow();
    expect(w.rateLimited(1000, 80007, 100)).toBe(true);
    expect(w.factorAt(1000)).toBe(0.5);
  });

  it("an alert's priority lapses if nothing renews it (a crash), so newsletters are not stuck", () => {
    const w = new PaceWindow();
    w.prioritize(0, "alert1", 15_000);
    expect(w.activeAlerts(14_999)).toEqual(["alert1"]);
    expect(w.activeAlerts(15_001)).toEqual([]);
    w.prioritize(20_000, "alert2");
    w.release("alert2");
    expect(w.activeAlerts(20_001)).toEqual([]);
  });
});

describe("Pacer Durable Object (permits)", () => {
  beforeEach(() => resetPacer());
  const reserve = (broadcastId: string, priority: PacedRequest["priority"], n: number, since = Date.now()) =>
    pacerOf(env).reserve({ broadcastId, priority, n, since });

  it("hands out evenly spaced start times, fewer than asked when the clock is a horizon ahead", async () => {
    const r = await reserve("b1", "newsletter", 100);
    if (r.kind !== "permits") throw new Error(r.kind);
    // 80/s: (1000 + 25 + 50) / 80 ≈ 13.4 ms apart, at most HORIZON_MS ahead.
    const spacing = (1000 + START_SLACK_MS + NETWORK_JITTER_MS) / 80;
    expect(r.times.length).toBeLessThanOrEqual(Math.floor(HORIZON_MS / spacing) + 1);
    for (let i = 1; i < r.times.length; i++) expect(r.times[i]! - r.times[i - 1]!).toBeCloseTo(spacing, 5);
    // The next reservation continues the clock (or starts it afresh at "now" if it ran idle meanwhile).
    const next = await reserve("b1", "newsletter", 1);
    expect(next.kind === "permits" && next.times[0]! - r.times[r.times.length - 1]!).toBeGreaterThanOrEqual(spacing - 1e-6);
  });

  it("serves an alert's reservation before newsletter reservations already waiting", async () => {
    const pacer = pacerOf(env);
    // An alert holds a lease: the newsletter's reservation waits in line.
    await pacer.prioritize("alert");
    const order: string[] = [];
    const news = reserve("news", "newsletter", 1).then(() => order.push("news"));
    await reserve("alert", "alert", 1).then(() => order.push("alert"));
    await pacer.release("alert");
    await news;
    expect(order).toEqual(["alert", "news"]);
  });

  it("hands newsletter reservations back after PRIORITY_YIELD_MS behind an alert; staff test-sends still go", async () => {
    const pacer = pacerOf(env);
    await pacer.prioritize("alert");
    const started = Date.now();
    expect(await reserve("news", "newsletter", 2)).toEqual({ kind: "deferred" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(PRIORITY_YIELD_MS - 50);
    expect((await reserve("test", "direct", 1)).kind).toBe("permits");
  });

  it("withdraws a paused broadcast's waiting reservations and those handed over before the pause, not later ones", async () => {
    const pacer = pacerOf(env);
    const before = Date.now() - 1;
    // An alert's lease keeps newsletter reservations waiting in line.
    await pacer.prioritize("alert");
    const waiting = reserve("paused", "newsletter", 3, before);
    await vi.waitFor(async () => expect((await pacer.snapshot()).waiting).toBe(1));
    expect(await pacer.withdraw("paused")).toBe(1);
    await pacer.release("alert");
    expect(await waiting).toEqual({ kind: "withdrawn" });
    // A sender that still holds recipients claimed before the pause asks later: nothing for them.
    expect(await reserve("paused", "newsletter", 1, before)).toEqual({ kind: "withdrawn" });
    // Claimed after a resume: permits again.
    await new Promise((r) => setTimeout(r, 2));
    expect((await reserve("paused", "newsletter", 1)).kind).toBe("permits");
  });

  it("keeps its clock and alert leases across a restart: no start time is handed out twice", async () => {
    const stub = pacerOf(env);
    const r = await reserve("b1", "newsletter", 100);
    if (r.kind !== "permits") throw new Error(r.kind);
    await stub.prioritize("alert1");
    await evictDurableObject(stub);
    const after = await pacerOf(env).snapshot();
    expect(after.alerts).toEqual(["alert1"]);
    expect(after.state.next).toBeGreaterThan(r.times[r.times.length - 1]!);
  });
});

describe("Sender Durable Objects", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    await resetPacer();
    graph = installFakeGraph();
  });
  afterEach(() => graph.restore());

  const text = { type: "text", text: { body: "Hallo" } };
  const request = (broadcastId: string, priority: PacedRequest["priority"], to: string[]): PacedRequest => ({
    broadcastId,
    priority,
    message: text,
    items: to.map((waId) => ({ key: waId, to: { waId }, callbackData: `b:${broadcastId}:${waId}` })),
  });

  it("sends every item and answers with its wamid, or with the error as data", async () => {
    graph.failSendsTo("43662", { status: 400, code: 131026, message: "Message undeliverable" });
    const results = await sendPaced(env, request("b1", "newsletter", ["43661", "43662"]));
    expect(results).toMatchObject([
      { key: "43661", kind: "sent", wamid: expect.stringMatching(/^wamid\./) },
      { key: "43662", kind: "error", error: { kind: "permanent", code: 131026 } },
    ]);
    expect(graph.messages().map((m) => m.body.biz_opaque_callback_data).sort()).toEqual(["b:b1:43661", "b:b1:43662"]);
  });

  it("sends an alert's messages before the newsletter messages already waiting", async () => {
    const news = sendPaced(env, request("news", "newsletter", Array.from({ length: 100 }, (_, i) => `4366${1000 + i}`)));
    // The newsletter is under way when the alert comes.
    while (graph.messages().length < 3) await new Promise((r) => setTimeout(r, 5));
    const alert = sendPaced(env, request("alert", "alert", ["43669001", "43669002", "43669003"]));
    await alert;
    await pacerOf(env).release("alert");
    await news;
    const order = graph.messages().map((m) => String(m.body.biz_opaque_callback_data).split(":")[1]);
    const firstAlert = order.indexOf("alert");
    const lastAlert = order.lastIndexOf("alert");
    // Once the alert asked, only newsletter sends that already had a permit (one horizon at 80/s) went between.
    expect(lastAlert - firstAlert).toBeLessThanOrEqual(2 + Math.ceil(HORIZON_MS / 13) + 1);
    expect(order.slice(lastAlert).filter((b) => b === "news").length).toBeGreaterThan(0);
    expect(order.filter((b) => b === "news")).toHaveLength(100);
  });

  it("withdraws what still waits of a paused or cancelled broadcast, and only that", async () => {
    const many = Array.from({ length: 40 }, (_, i) => `4366${200 + i}`);
    const paused = sendPaced(env, request("paused", "newsletter", many));
    const other = sendPaced(env, request("other", "newsletter", ["43669999"]));
    while (graph.messages().length < 2) await new Promise((r) => setTimeout(r, 5));
    await pacerOf(env).withdraw("paused");
    const results = await paused;
    const sent = results.filter((r) => r.kind === "sent").length;
    expect(results.filter((r) => r.kind === "withdrawn")).toHaveLength(40 - sent);
    // What had a permit when the pause came still goes (at most a horizon's worth and the lanes).
    expect(sent).toBeLessThan(16);
    expect(graph.messages().filter((m) => String(m.body.biz_opaque_callback_data).startsWith("b:paused:"))).toHaveLength(sent);
    expect((await other)[0]).toMatchObject({ kind: "sent" });
  });

  it("reports rate-limit refusals to the pacer and returns them for a retry", async () => {
    graph.failSendsTo("43661", { status: 429, code: 130429, message: "Rate limit hit" });
    const [result] = await sendPaced(env, request("b1", "newsletter", ["43661"]));
    expect(result).toMatchObject({ kind: "error", error: { kind: "rate_limited", code: 130429 } });
    await vi.waitFor(async () => expect((await pacerOf(env).snapshot()).state.limited).toHaveLength(1));
  });
});
