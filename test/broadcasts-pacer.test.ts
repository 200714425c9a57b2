// The pacer: never above the rate in any one-second window at WhatsApp, whatever the network does
// on the way; close to the rate under load; alerts first; slowing down on sustained rate limits;
// withdrawal on pause/cancel; state that survives a restart.
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ASSUMED_MAX_DELAY_MS, PaceWindow } from "../worker/broadcasts/pace-window";
import { pacerOf, PRIORITY_YIELD_MS, type PacedRequest } from "../worker/broadcasts/pacer";
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

interface Network {
  /** One-way time to WhatsApp for a request started at `t` (ms). */
  there(t: number): number;
  /** Time for the answer to come back. */
  back(t: number): number;
}

/**
 * A pacer with an endless line of requests for `ms` of simulated time, checking every millisecond
 * (plus `lateness`: how late its timer may fire). Returns when the requests reached WhatsApp.
 */
function simulate(w: PaceWindow, rate: number, ms: number, net: Network, lateness: (t: number) => number = () => 0, start = 1_000_000) {
  const arrivals: number[] = [];
  const answers: { at: number; id: number }[] = [];
  let wakeAt = start;
  for (let now = start; now < start + ms; now++) {
    for (const a of answers.filter((x) => x.at <= now)) w.answered(a.id, a.at);
    answers.splice(0, answers.length, ...answers.filter((x) => x.at > now));
    if (now < wakeAt) continue;
    while (w.earliest(now, rate) <= now) {
      const id = w.record(now, rate);
      const arrival = now + net.there(now);
      arrivals.push(arrival);
      answers.push({ id, at: arrival + net.back(now) });
    }
    wakeAt = Math.ceil(w.earliest(now, rate)) + lateness(now);
  }
  return arrivals.filter((t) => t < start + ms);
}

const random = prng(42);
const lan: Network = { there: () => 0.5 + random() * 2, back: () => 0.5 + random() * 2 };

describe("PaceWindow", () => {
  it("never more than the rate in any one-second window, and close to it", () => {
    for (const rate of [80, 100, 7]) {
      const arrivals = simulate(new PaceWindow(), rate, 20_000, lan);
      expect(maxPerSecond(arrivals), `rate ${rate}`).toBeLessThanOrEqual(rate);
      // With answers within a few milliseconds, at least 99 % of the rate.
      expect(arrivals.length / 20, `rate ${rate}`).toBeGreaterThanOrEqual(rate * 0.99);
    }
  });

  it("stays within the rate when some requests are held up on the way far longer than usual", () => {
    // Every 50th request takes 40 ms to arrive (a stalled event loop, a slow connection), the rest 1–3 ms.
    let n = 0;
    const stalls: Network = { there: () => (++n % 50 === 0 ? 40 : 1 + random() * 2), back: () => 1 };
    const arrivals = simulate(new PaceWindow(), 100, 20_000, stalls);
    expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(100);
    expect(arrivals.length / 20).toBeGreaterThanOrEqual(97);
  });

  it("relies on the assumed delay only while answers are slower than it, and stays within the rate", () => {
    // Answers take 300 ms (a slow API) but requests reach WhatsApp within the assumed delay.
    const slow: Network = { there: () => random() * ASSUMED_MAX_DELAY_MS, back: () => 300 - ASSUMED_MAX_DELAY_MS };
    const arrivals = simulate(new PaceWindow(), 80, 20_000, slow);
    expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(80);
    // Spacing allows for the assumed delay: about 1000 / (1000 + 50) of the rate.
    expect(arrivals.length / 20).toBeGreaterThanOrEqual(80 * 0.94);
  });

  it("makes up for a timer that fires late instead of losing the time", () => {
    const arrivals = simulate(new PaceWindow(), 100, 20_000, lan, () => Math.floor(random() * 15));
    expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(100);
    expect(arrivals.length / 20).toBeGreaterThanOrEqual(98);
  });

  it("spreads requests evenly instead of sending a second's worth at once", () => {
    const w = new PaceWindow();
    const now = 5_000_000;
    w.record(now, 100);
    const next = w.earliest(now, 100);
    expect(next - now).toBeGreaterThanOrEqual(10);
    expect(next - now).toBeLessThanOrEqual(11);
  });

  it("counts a request whose answer has not come as arriving up to the assumed delay later", () => {
    // Usual answer time 0: the even spacing (10 ms) is not what holds the 101st back here.
    const w = new PaceWindow({ answerMs: 0 });
    const now = 5_000_000;
    const ids = Array.from({ length: 100 }, (_, i) => w.record(now + i * 10, 100));
    // No answers: the 101st request waits until 1 s after the first may have arrived.
    expect(w.earliest(now + 1000, 100)).toBe(now + ASSUMED_MAX_DELAY_MS + 1000);
    // The first was answered 2 ms after it left: it cannot have arrived later.
    w.answered(ids[0] ?? -1, now + 2);
    expect(w.earliest(now + 1000, 100)).toBeLessThanOrEqual(now + 1002 + 1);
  });

  it("ignores isolated 429s but halves the rate when many requests are refused, then recovers", () => {
    const w = new PaceWindow();
    const now = 1_000_000;
    for (let i = 0; i < 100; i++) w.record(now - 990 + i * 10, 100);
    // 5 % refused: normal noise, no slowdown.
    for (let i = 0; i < 5; i++) expect(w.rateLimited(now, 130429)).toBe(false);
    expect(w.factorAt(now)).toBe(1);
    // A third refused: WhatsApp really wants less.
    for (let i = 0; i < 30; i++) w.rateLimited(now, 130429);
    expect(w.factorAt(now)).toBe(0.5);
    expect(w.capacity(100, now)).toBe(50);
    // A pause follows, then it recovers step by step: full speed again five seconds later.
    expect(w.earliest(now + 1, 100)).toBeGreaterThanOrEqual(now + 1000);
    expect(w.factorAt(now + 5_000)).toBe(1);
  });

  it("halves at once for account-wide limits (80007)", () => {
    const w = new PaceWindow();
    expect(w.rateLimited(1000, 80007)).toBe(true);
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

describe("Pacer Durable Object", () => {
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
    const results = await pacerOf(env).send(request("b1", "newsletter", ["43661", "43662"]));
    expect(results).toMatchObject([
      { key: "43661", kind: "sent", wamid: expect.stringMatching(/^wamid\./) },
      { key: "43662", kind: "error", error: { kind: "permanent", code: 131026 } },
    ]);
    expect(graph.messages().map((m) => m.body.biz_opaque_callback_data)).toEqual(["b:b1:43661", "b:b1:43662"]);
  });

  it("sends an alert's messages before the newsletter messages already waiting", async () => {
    const pacer = pacerOf(env);
    const news = pacer.send(request("news", "newsletter", Array.from({ length: 30 }, (_, i) => `4366${100 + i}`)));
    // The newsletter is under way when the alert comes.
    while (graph.messages().length < 3) await new Promise((r) => setTimeout(r, 5));
    const alert = pacer.send(request("alert", "alert", ["43669001", "43669002", "43669003"]));
    await alert;
    await pacer.release("alert");
    await news;
    const order = graph.messages().map((m) => String(m.body.biz_opaque_callback_data).split(":")[1]);
    const firstAlert = order.indexOf("alert");
    expect(order.slice(firstAlert, firstAlert + 3)).toEqual(["alert", "alert", "alert"]);
    // Only requests already started went between (at most a timer's catch-up).
    expect(firstAlert).toBeLessThanOrEqual(6);
  });

  it("hands newsletter messages back after waiting PRIORITY_YIELD_MS behind an alert", async () => {
    const pacer = pacerOf(env);
    await pacer.prioritize("alert");
    const started = Date.now();
    const results = await pacer.send(request("news", "newsletter", ["43661", "43662"]));
    expect(results.map((r) => r.kind)).toEqual(["deferred", "deferred"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(PRIORITY_YIELD_MS - 50);
    expect(graph.messages()).toHaveLength(0);
    // Staff test-sends are not held back by alerts.
    expect((await pacer.send(request("test", "direct", ["43663"])))[0]).toMatchObject({ kind: "sent" });
  });

  it("withdraws what still waits of a paused or cancelled broadcast, and only that", async () => {
    const pacer = pacerOf(env);
    const many = Array.from({ length: 40 }, (_, i) => `4366${200 + i}`);
    const paused = pacer.send(request("paused", "newsletter", many));
    const other = pacer.send(request("other", "newsletter", ["43669999"]));
    while (graph.messages().length < 2) await new Promise((r) => setTimeout(r, 5));
    const withdrawn = await pacer.withdraw("paused");
    const results = await paused;
    const sent = results.filter((r) => r.kind === "sent").length;
    expect(withdrawn).toBe(40 - sent);
    expect(results.filter((r) => r.kind === "withdrawn")).toHaveLength(40 - sent);
    expect(sent).toBeLessThan(10);
    expect((await other)[0]).toMatchObject({ kind: "sent" });
  });

  it("reports rate-limit refusals to its window and returns them for a retry", async () => {
    graph.failSendsTo("43661", { status: 429, code: 130429, message: "Rate limit hit" });
    const [result] = await pacerOf(env).send(request("b1", "newsletter", ["43661"]));
    expect(result).toMatchObject({ kind: "error", error: { kind: "rate_limited", code: 130429 } });
    expect((await pacerOf(env).snapshot()).state.limited).toHaveLength(1);
  });

  it("keeps alert leases and a full window of distance across a restart", async () => {
    const stub = pacerOf(env);
    await stub.send(request("b1", "newsletter", ["43661", "43662", "43663"]));
    await stub.prioritize("alert1");
    const before = await stub.snapshot();
    const lastStart = Math.max(0, ...before.state.flights.map((f) => f[1] ?? 0));
    await evictDurableObject(stub);
    const after = await pacerOf(env).snapshot();
    expect(after.alerts).toEqual(["alert1"]);
    // Requests started just before the restart may not be in the saved state: a second of distance.
    expect(after.state.next).toBeGreaterThanOrEqual(lastStart + 1000);
  });
});
