// The pacer: send slots never above the rate in any one-second window, close to it under load,
// alert priority, slowing down on sustained rate limits, and state that survives a restart.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { LATE_TOLERANCE_MS } from "../worker/broadcasts/consumer";
import { ALERT_LEASE_MS, HORIZON_MS, PaceSchedule, type TakeRequest } from "../worker/broadcasts/pace-schedule";
import { evictDurableObject } from "cloudflare:test";
import { resetPacer } from "./helpers/broadcasts";

const req = (o: Partial<TakeRequest> = {}): TakeRequest => ({ want: 20, ratePerSecond: 100, priority: "newsletter", broadcastId: "b1", ...o });

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

/** Several consumers asking for slots whenever theirs run out, for `ms` of simulated time. */
function simulate(schedule: PaceSchedule, rate: number, ms: number, consumers = 4, start = 1_000_000): number[] {
  const slots: number[] = [];
  const nextAsk = Array.from({ length: consumers }, (_, i) => start + i * 7);
  for (let now = start; now < start + ms; now++) {
    for (let c = 0; c < consumers; c++) {
      if (nextAsk[c]! > now) continue;
      const g = schedule.take(now, req({ ratePerSecond: rate, broadcastId: `b${c}` }));
      slots.push(...g.slots);
      // Ask again when the last slot is near (or after the pacer said when).
      nextAsk[c] = g.slots.length ? g.slots[g.slots.length - 1]! - 50 : now + Math.max(1, g.retryAfterMs);
    }
  }
  return slots.filter((t) => t < start + ms);
}

describe("PaceSchedule", () => {
  it("never more than the rate in any one-second window, even with sends up to the tolerance late", () => {
    for (const rate of [80, 100, 7]) {
      const s = new PaceSchedule();
      const slots = simulate(s, rate, 20_000);
      expect(maxPerSecond(slots), `rate ${rate}`).toBeLessThanOrEqual(rate);
      // Worst case for the receiver: every other send starts as late as a consumer allows.
      const late = slots.map((t, i) => t + (i % 2 ? LATE_TOLERANCE_MS : 0));
      expect(maxPerSecond(late), `rate ${rate} with late sends`).toBeLessThanOrEqual(rate);
      // …and close to it when there is work: within 2 %.
      expect(slots.length / 20, `rate ${rate}`).toBeGreaterThanOrEqual(rate * 0.98);
    }
  });

  it("hands out slots evenly spaced and no further ahead than the horizon", () => {
    const s = new PaceSchedule();
    const g = s.take(0, req({ want: 500 }));
    const gaps = g.slots.slice(1).map((t, i) => t - g.slots[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(11);
    expect(g.slots[g.slots.length - 1]!).toBeLessThanOrEqual(HORIZON_MS + 20);
    expect(g.reason).toBe("rate");
    const none = s.take(1, req());
    expect(none.slots).toHaveLength(0);
    expect(none.retryAfterMs).toBeGreaterThan(0);
  });

  it("gives newsletters nothing while an alert holds priority", () => {
    const s = new PaceSchedule();
    s.prioritize(0, "alert1");
    expect(s.take(10, req({ priority: "newsletter" }))).toMatchObject({ slots: [], reason: "priority" });
    expect(s.take(10, req({ priority: "alert", broadcastId: "alert1" })).slots.length).toBeGreaterThan(0);
    expect(s.take(10, req({ priority: "direct" })).slots.length).toBeGreaterThan(0);
    s.release("alert1");
    expect(s.take(600, req()).slots.length).toBeGreaterThan(0);
  });

  it("an alert's priority lapses if its consumers stop asking (crash), so newsletters are not stuck", () => {
    const s = new PaceSchedule();
    s.take(0, req({ priority: "alert", broadcastId: "alert1" }));
    expect(s.take(ALERT_LEASE_MS - 1, req()).reason).toBe("priority");
    expect(s.take(ALERT_LEASE_MS + 1, req()).slots.length).toBeGreaterThan(0);
  });

  it("ignores isolated 429s but halves the rate when many requests are refused, then recovers", () => {
    const s = new PaceSchedule();
    let now = 0;
    // 100 grants in a second with 5 % refused: normal noise, no slowdown.
    for (let i = 0; i < 5; i++) s.take((now += 200), req());
    for (let i = 0; i < 5; i++) expect(s.rateLimited(now, 130429)).toBe(false);
    expect(s.factorAt(now)).toBe(1);
    // A third of the requests refused: WhatsApp really wants less.
    for (let i = 0; i < 30; i++) s.rateLimited(now, 130429);
    expect(s.factorAt(now)).toBe(0.5);
    expect(s.interval(100, now)).toBeCloseTo(20.2, 1);
    // The pause: no slot for the next second.
    expect(s.take(now + 1, req()).slots).toHaveLength(0);
    // Back to full speed five seconds later.
    expect(s.factorAt(now + 5_000)).toBe(1);
  });

  it("halves at once for account-wide limits (80007)", () => {
    const s = new PaceSchedule();
    expect(s.rateLimited(1000, 80007)).toBe(true);
    expect(s.factorAt(1000)).toBe(0.5);
  });
});

describe("Pacer Durable Object", () => {
  beforeEach(resetPacer);

  it("keeps its schedule and alert leases across a restart", async () => {
    const stub = env.PACER.getByName("main");
    const first = await stub.take(req({ want: 30 }));
    await stub.prioritize("alert1");
    await evictDurableObject(stub);
    const again = env.PACER.getByName("main");
    const after = await again.take(req({ want: 5, priority: "alert", broadcastId: "alert1" }));
    // The next slot continues after the last one handed out before the restart.
    expect(after.slots[0]!).toBeGreaterThan(first.slots[first.slots.length - 1]!);
    expect((await again.take(req({ want: 5 }))).reason).toBe("priority");
    expect((await again.snapshot()).alerts).toEqual(["alert1"]);
  });
});
