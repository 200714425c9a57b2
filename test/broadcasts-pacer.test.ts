// The pacer: send slots never above the rate in any one-second window, close to it under load,
// alert priority, slowing down on sustained rate limits, and state that survives a restart.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ALERT_LEASE_MS,
  HORIZON_MS,
  LEAD_MS,
  MAX_TOLERANCE_MS,
  MIN_GRANT,
  MIN_TOLERANCE_MS,
  NETWORK_JITTER_MS,
  PaceSchedule,
  type TakeRequest,
} from "../worker/broadcasts/pace-schedule";
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

/** Tiny seeded PRNG: the simulations are the same on every run. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

/**
 * Several consumers asking for slots whenever theirs run out, for `ms` of simulated time. Each send
 * starts `lateness(now)` ms after its slot at most (random); a slot missed by more than the grant's
 * tolerance is dropped and reported, as the consumer does. Returns the times sends reached WhatsApp.
 */
function simulate(schedule: PaceSchedule, rate: number, ms: number, lateness: (now: number) => number = () => 0, consumers = 4, start = 1_000_000) {
  const random = prng(rate * 7 + ms);
  const sends: number[] = [];
  let dropped = 0;
  const nextAsk = Array.from({ length: consumers }, (_, i) => start + i * 7);
  const report = Array.from({ length: consumers }, () => ({ used: 0, late: 0 }));
  for (let now = start; now < start + ms; now++) {
    for (let c = 0; c < consumers; c++) {
      if (nextAsk[c]! > now) continue;
      const g = schedule.take(now, req({ ratePerSecond: rate, broadcastId: `b${c}`, ...report[c] }));
      report[c] = { used: 0, late: 0 };
      for (const slot of g.slots) {
        const late = random() * lateness(slot);
        if (late > g.toleranceMs) {
          report[c]!.late++;
          dropped++;
        } else {
          report[c]!.used++;
          // Network jitter on top, within what the margin allows for.
          sends.push(slot + late + random() * NETWORK_JITTER_MS);
        }
      }
      // Ask again when the last slot is near (or after the pacer said when).
      nextAsk[c] = g.slots.length ? g.slots[g.slots.length - 1]! - 50 : now + Math.max(1, g.retryAfterMs);
    }
  }
  return { sends: sends.filter((t) => t < start + ms), dropped };
}

describe("PaceSchedule", () => {
  it("never more than the rate in any one-second window, close to it when consumers are punctual", () => {
    for (const rate of [80, 100, 7]) {
      const s = new PaceSchedule();
      const { sends, dropped } = simulate(s, rate, 20_000, () => MIN_TOLERANCE_MS);
      expect(maxPerSecond(sends), `rate ${rate}`).toBeLessThanOrEqual(rate);
      expect(dropped).toBe(0);
      // All but the safety margin (2.5 %) and 1 % slack.
      expect(sends.length / 20, `rate ${rate}`).toBeGreaterThanOrEqual(((rate * 1000) / (1000 + MIN_TOLERANCE_MS + NETWORK_JITTER_MS)) * 0.99);
    }
  });

  it("widens its tolerance when consumers run late, narrows it again after, and never exceeds the rate", () => {
    const s = new PaceSchedule();
    const start = 1_000_000;
    // Sends up to 80 ms late for 20 s (a busy isolate), then punctual again for 60 s.
    const { sends, dropped } = simulate(s, 100, 80_000, (t) => (t < start + 20_000 ? 80 : 3), 4, start);
    expect(maxPerSecond(sends)).toBeLessThanOrEqual(100);
    // It adapted rather than dropping slots all along …
    expect(dropped).toBeLessThan(sends.length * 0.05);
    // … and is back to the tight spacing.
    expect(s.state.tolerance).toBe(MIN_TOLERANCE_MS);
    const lateSeconds = sends.filter((t) => t < start + 20_000).length / 20;
    expect(lateSeconds).toBeGreaterThan(80);
  });

  it("keeps the tolerance within bounds", () => {
    const s = new PaceSchedule();
    for (let now = 0; now < 60_000; now += 100) s.take(now, req({ used: 0, late: 50 }));
    expect(s.state.tolerance).toBe(MAX_TOLERANCE_MS);
  });

  it("hands out slots evenly spaced and no further ahead than the horizon", () => {
    const s = new PaceSchedule();
    const g = s.take(0, req({ want: 500 }));
    const gaps = g.slots.slice(1).map((t, i) => t - g.slots[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(11);
    expect(g.slots[0]).toBe(LEAD_MS);
    expect(g.slots[g.slots.length - 1]!).toBeLessThanOrEqual(LEAD_MS + HORIZON_MS + 1);
    expect(g.reason).toBe("rate");
    const none = s.take(1, req());
    expect(none.slots).toHaveLength(0);
    expect(none.retryAfterMs).toBeGreaterThan(0);
    // When room comes, it is for at least MIN_GRANT slots (a claim round trip per slot would be waste).
    const later = s.take(1 + none.retryAfterMs, req());
    expect(later.slots.length).toBeGreaterThanOrEqual(MIN_GRANT);
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
    expect(s.interval(100, now)).toBeCloseTo(((1000 + s.marginMs) / 100) * 2, 5);
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
