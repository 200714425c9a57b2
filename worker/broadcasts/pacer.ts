// One token bucket for the whole phone number, shared by all queue consumers and broadcasts.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export interface Grant {
  /** How many sends may start now (0..requested). */
  granted: number;
  /** When to ask again if fewer were granted than requested. */
  retryAfterMs: number;
}

export class Pacer extends DurableObject<Env> {
  private tokens = 0;
  private last = 0;
  private penaltyUntil = 0;

  /**
   * Takes up to `want` tokens at `ratePerSecond`. The bucket holds at most one second's worth, so no
   * one-second window can exceed the rate.
   */
  async take(want: number, ratePerSecond: number): Promise<Grant> {
    const now = Date.now();
    const rate = now < this.penaltyUntil ? Math.max(1, Math.floor(ratePerSecond / 2)) : ratePerSecond;
    if (this.last === 0) this.last = now;
    this.tokens = Math.min(rate, this.tokens + ((now - this.last) / 1000) * rate);
    this.last = now;
    const granted = Math.max(0, Math.min(want, Math.floor(this.tokens)));
    this.tokens -= granted;
    const missing = want - granted;
    return { granted, retryAfterMs: missing > 0 ? Math.ceil((Math.min(missing, rate) / rate) * 1000) : 0 };
  }

  /** WhatsApp said "too fast": halve the rate for a while. */
  async slowDown(forMs: number): Promise<void> {
    this.penaltyUntil = Math.max(this.penaltyUntil, Date.now() + forMs);
    this.tokens = 0;
  }
}
